-- GET /api/v1/posts/{id}/comments?limit=20 with a bearer token, on one of the seed's busy posts.
-- protocol: prepared

\set post_n random(:busy_first, :busy_last)

\startpipeline
SELECT EXISTS (SELECT 1 FROM revoked_tokens WHERE jti = :jti);

SELECT c.id, c.content, c.user_id, u.username, u.avatar_url, c.created_at, c.updated_at
FROM comments c JOIN users u ON u.id = c.user_id
WHERE c.post_id = bench_post_id(:post_n)
ORDER BY c.created_at, c.id
LIMIT 21;
\endpipeline
