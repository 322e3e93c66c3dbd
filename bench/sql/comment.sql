-- POST /api/v1/posts/{id}/comments with a bearer token, on a random seeded post, as
-- bench/wrk/comment.lua sends it. Where the API binds a value it made (the new id, the time),
-- bench_*() functions from seed.sql make it in the database.
-- protocol: prepared
\set post_n random(1, :like_last)

-- One statement: the token's revocation lookup, the row (written only for a live token and an
-- existing post), the post's counter and the author for the response.
WITH t AS (SELECT EXISTS (SELECT 1 FROM revoked_tokens WHERE jti = :jti) AS revoked), inserted AS (
    INSERT INTO comments (id, post_id, user_id, content, created_at, updated_at)
    SELECT bench_new_id(), bench_post_id(:post_n), :user_id, :content, bench_now(), bench_now() FROM t
    WHERE NOT t.revoked AND EXISTS (SELECT 1 FROM posts WHERE id = bench_post_id(:post_n))
    RETURNING post_id
), bumped AS (
    UPDATE posts SET comments_count = comments_count + 1
    WHERE id IN (SELECT post_id FROM inserted)
    RETURNING id
)
SELECT t.revoked, u.username, u.avatar_url
FROM t LEFT JOIN users u ON u.id = :user_id AND EXISTS (SELECT 1 FROM bumped);
