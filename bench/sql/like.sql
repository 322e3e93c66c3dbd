-- POST /api/v1/posts/{id}/likes, then DELETE of the same like: each transaction is one request,
-- alternating (toggle starts at 0 with -D toggle=0 and flips per transaction), as bench/wrk/like.lua does.
-- Each is one statement with the token's revocation lookup in it: a revoked token changes nothing.
-- protocol: prepared
\set toggle 1 - :toggle
\if :toggle
\set post_n random(1, :like_last)

WITH t AS (
    SELECT EXISTS (SELECT 1 FROM revoked_tokens WHERE jti = :jti) AS revoked
), inserted AS (
    INSERT INTO likes (id, user_id, post_id, created_at)
    SELECT bench_new_id(), :user_id, bench_post_id(:post_n), bench_now() FROM t
    WHERE NOT t.revoked AND EXISTS (SELECT 1 FROM posts WHERE id = bench_post_id(:post_n))
    ON CONFLICT (user_id, post_id) DO NOTHING
    RETURNING 1
), bumped AS (
    UPDATE posts SET likes_count = likes_count + 1
    WHERE id = bench_post_id(:post_n) AND EXISTS (SELECT 1 FROM inserted)
    RETURNING likes_count
)
SELECT t.revoked, p.id IS NOT NULL, coalesce((SELECT likes_count FROM bumped), p.likes_count),
       EXISTS (SELECT 1 FROM inserted)
FROM t LEFT JOIN posts p ON p.id = bench_post_id(:post_n);
\else

WITH t AS (
    SELECT EXISTS (SELECT 1 FROM revoked_tokens WHERE jti = :jti) AS revoked
), deleted AS (
    DELETE FROM likes l USING t
    WHERE l.user_id = :user_id AND l.post_id = bench_post_id(:post_n) AND NOT t.revoked
    RETURNING 1
), lowered AS (
    UPDATE posts SET likes_count = likes_count - 1
    WHERE id = bench_post_id(:post_n) AND EXISTS (SELECT 1 FROM deleted)
    RETURNING likes_count
)
SELECT t.revoked, p.id IS NOT NULL, coalesce((SELECT likes_count FROM lowered), p.likes_count)
FROM t LEFT JOIN posts p ON p.id = bench_post_id(:post_n);
\endif
