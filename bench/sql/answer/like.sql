-- The yardstick of POST then DELETE /api/v1/posts/{id}/likes: the like (or unlike) and the
-- counter that moves with it, in one statement each, with no revocation lookup.
-- protocol: prepared
\set toggle 1 - :toggle
\if :toggle
\set post_n random(1, :like_last)
WITH inserted AS (
    INSERT INTO likes (id, user_id, post_id, created_at)
    VALUES (bench_new_id(), :user_id, bench_post_id(:post_n), bench_now())
    ON CONFLICT (user_id, post_id) DO NOTHING
    RETURNING post_id
)
UPDATE posts SET likes_count = likes_count + 1 WHERE id IN (SELECT post_id FROM inserted) RETURNING likes_count;
\else
WITH deleted AS (
    DELETE FROM likes WHERE user_id = :user_id AND post_id = bench_post_id(:post_n) RETURNING post_id
)
UPDATE posts SET likes_count = likes_count - 1 WHERE id IN (SELECT post_id FROM deleted) RETURNING likes_count;
\endif
