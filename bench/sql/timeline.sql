-- GET /api/v1/posts?limit=20 with a bearer token: the statement the API sends, as PostgreSQL
-- logged it (bench/run.sh checks this file against the log on every run).
-- protocol: prepared

-- One statement: the token's revocation lookup is a one-row relation that the page joins LATERAL
-- (a revoked token's page is empty). The page: author by join, liked_by_me by a one-row lookup per
-- post, keyset order, limit + 1 written into the statement so that its prepared plan is planned once.
SELECT t.revoked, p.* FROM (SELECT EXISTS (SELECT 1 FROM revoked_tokens WHERE jti = :jti) AS revoked) t
LEFT JOIN LATERAL (
    SELECT p.id, p.content, p.image_key, p.likes_count, p.comments_count,
           COALESCE((SELECT TRUE FROM likes l WHERE l.user_id = :user_id AND l.post_id = p.id LIMIT 1), FALSE),
           p.user_id, u.username, u.avatar_url, p.created_at, p.updated_at
    FROM (SELECT * FROM posts WHERE NOT t.revoked ORDER BY created_at DESC, id DESC LIMIT 21) p JOIN users u ON u.id = p.user_id
) p ON TRUE
ORDER BY p.created_at DESC, p.id DESC;
