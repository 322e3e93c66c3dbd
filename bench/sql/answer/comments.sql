-- The yardstick of GET /api/v1/posts/{id}/comments (no token): the page of comments with their
-- authors. The API's own statement also says whether the post exists (404).
-- protocol: prepared
\set post_n random(:busy_first, :busy_last)
SELECT c.id, c.content, c.user_id, u.username, u.avatar_url, c.created_at, c.updated_at
FROM (SELECT id, content, user_id, created_at, updated_at FROM comments
      WHERE post_id = bench_post_id(:post_n) ORDER BY created_at, id LIMIT 21) c
JOIN users u ON u.id = c.user_id
ORDER BY c.created_at, c.id;
