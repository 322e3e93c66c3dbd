-- POST /api/v1/posts (text only) with a bearer token. Where the API binds a value it made
-- (the new id, the time, no image), bench_*() functions from seed.sql make it in the database.
-- protocol: prepared

SELECT EXISTS (SELECT 1 FROM revoked_tokens WHERE jti = :jti);

-- The row, and its author for the response, in one statement.
WITH inserted AS (
    INSERT INTO posts (id, user_id, content, image_key, created_at, updated_at)
    VALUES (bench_new_id(), :user_id, :content, bench_null(), bench_now(), bench_now())
    RETURNING user_id
)
SELECT u.username, u.avatar_url FROM users u JOIN inserted i ON u.id = i.user_id;
