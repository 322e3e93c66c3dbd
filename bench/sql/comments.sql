-- GET /api/v1/posts/{id}/comments?limit=20 with a bearer token, on one of the seed's busy posts.
-- protocol: prepared
\set limit 21
\set post_n random(:busy_first, :busy_last)

\startpipeline
SELECT EXISTS (SELECT 1 FROM revoked_tokens WHERE jti = :jti);

SELECT c0.id, c0.post_id, c0.content, c0.user_id, u.username, u.avatar_url, c0.created_at, c0.updated_at
FROM (
    SELECT c.id, c.content, c.created_at, c.post_id, c.updated_at, c.user_id
    FROM comments AS c
    WHERE c.post_id = bench_post_id(:post_n)
    ORDER BY c.created_at, c.id
    LIMIT :limit
) AS c0
INNER JOIN users AS u ON c0.user_id = u.id
ORDER BY c0.created_at, c0.id;
\endpipeline
