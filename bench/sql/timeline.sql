-- GET /api/v1/posts?limit=20 with a bearer token: the statement the API sends, as PostgreSQL
-- logged it (bench/run.sh checks this file against the log on every run).
-- protocol: prepared

-- One statement: the page, with the token's revocation lookup as a one-time filter, and a second
-- branch that is one row saying so when the token is revoked. The page: author by join,
-- liked_by_me by a one-row lookup per post, keyset order, limit + 1 written into the statement so
-- that its prepared plan is planned once.
SELECT FALSE AS revoked, p.id, p.content, p.image_key, p.likes_count, p.comments_count,
       COALESCE((SELECT TRUE FROM likes l WHERE l.user_id = :user_id AND l.post_id = p.id LIMIT 1), FALSE),
       p.user_id, u.username, u.avatar_url, p.created_at, p.updated_at
FROM (SELECT * FROM posts WHERE NOT EXISTS (SELECT 1 FROM revoked_tokens WHERE jti = :jti) ORDER BY created_at DESC, id DESC LIMIT 21) p
JOIN users u ON u.id = p.user_id
UNION ALL
SELECT TRUE, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL WHERE EXISTS (SELECT 1 FROM revoked_tokens WHERE jti = :jti)
ORDER BY created_at DESC, id DESC;
