-- The yardstick of POST /api/v1/posts/{id}/comments: the INSERT, the counter that moves with it,
-- and the author the answer shows, with no revocation lookup and no check that the post exists
-- (the foreign key refuses a missing one).
-- protocol: prepared
\set post_n random(1, :like_last)
WITH inserted AS (
    INSERT INTO comments (id, post_id, user_id, content, created_at, updated_at)
    VALUES (bench_new_id(), bench_post_id(:post_n), :user_id, :content, bench_now(), bench_now())
    RETURNING post_id, user_id
), bumped AS (
    UPDATE posts SET comments_count = comments_count + 1 WHERE id IN (SELECT post_id FROM inserted)
)
SELECT u.username, u.avatar_url FROM inserted i JOIN users u ON u.id = i.user_id;
