-- GET /api/v1/posts/{id}/comments?limit=20 with a bearer token, on one of the seed's busy posts.
-- A public list: the token changes nothing in the answer, so it is not looked up.
-- protocol: prepared

\set post_n random(:busy_first, :busy_last)

-- The post's existence is a one-row relation the page joins LATERAL: an empty page and a missing
-- post are told apart in the same statement.
SELECT e.found, c.id, c.content, c.user_id, u.username, u.avatar_url, c.created_at, c.updated_at
FROM (SELECT EXISTS (SELECT 1 FROM posts WHERE id = bench_post_id(:post_n)) AS found) e
LEFT JOIN LATERAL (
    SELECT id, content, user_id, created_at, updated_at FROM comments
    WHERE post_id = bench_post_id(:post_n)
    ORDER BY created_at, id
    LIMIT 21
) c ON TRUE
LEFT JOIN users u ON u.id = c.user_id
ORDER BY c.created_at, c.id;
