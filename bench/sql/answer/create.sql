-- The yardstick of POST /api/v1/posts: the INSERT, and the author the answer shows.
-- protocol: prepared
WITH inserted AS (
    INSERT INTO posts (id, user_id, content, image_key, created_at, updated_at)
    VALUES (bench_new_id(), :user_id, :content, NULL, bench_now(), bench_now())
    RETURNING user_id
)
SELECT u.username, u.avatar_url FROM inserted i JOIN users u ON u.id = i.user_id;
