-- POST /api/v1/posts/{id}/likes, then DELETE of the same like: each transaction is one request,
-- alternating (toggle starts at 0 with -D toggle=0 and flips per transaction), as bench/wrk/like.lua does.
-- protocol: prepared
\set toggle 1 - :toggle
\if :toggle
\set post_n random(1, :like_last)

SELECT EXISTS (SELECT 1 FROM revoked_tokens WHERE jti = :jti);

WITH inserted AS (
    INSERT INTO likes (id, user_id, post_id, created_at)
    SELECT bench_new_id(), :user_id, bench_post_id(:post_n), bench_now()
    WHERE EXISTS (SELECT 1 FROM posts WHERE id = bench_post_id(:post_n))
    ON CONFLICT (user_id, post_id) DO NOTHING
    RETURNING 1
), bumped AS (
    UPDATE posts SET likes_count = likes_count + 1
    WHERE id = bench_post_id(:post_n) AND EXISTS (SELECT 1 FROM inserted)
    RETURNING likes_count
)
SELECT coalesce((SELECT likes_count FROM bumped), p.likes_count) AS likes_count,
       (SELECT count(*) FROM inserted)::int AS inserted
FROM posts p WHERE p.id = bench_post_id(:post_n);
\else

SELECT EXISTS (SELECT 1 FROM revoked_tokens WHERE jti = :jti);

WITH deleted AS (
    DELETE FROM likes WHERE user_id = :user_id AND post_id = bench_post_id(:post_n) RETURNING 1
), lowered AS (
    UPDATE posts SET likes_count = likes_count - 1
    WHERE id = bench_post_id(:post_n) AND EXISTS (SELECT 1 FROM deleted)
    RETURNING likes_count
)
SELECT coalesce((SELECT likes_count FROM lowered), p.likes_count) AS likes_count,
       (SELECT count(*) FROM deleted)::int AS inserted
FROM posts p WHERE p.id = bench_post_id(:post_n);
\endif
