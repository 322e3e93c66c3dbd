-- GET /api/v1/posts?limit=20&cursor=... (a cursor deep down the timeline) with a bearer token.
-- run.sh passes the cursor's position as cursor_at and cursor_id.
-- protocol: prepared

SELECT FALSE AS revoked, p.id, p.content, p.image_key, p.likes_count, p.comments_count,
       COALESCE((SELECT TRUE FROM likes l WHERE l.user_id = :user_id AND l.post_id = p.id LIMIT 1), FALSE),
       p.user_id, u.username, u.avatar_url, p.created_at, p.updated_at
FROM (SELECT * FROM posts WHERE NOT EXISTS (SELECT 1 FROM revoked_tokens WHERE jti = :jti) AND (created_at, id) < (:cursor_at, :cursor_id) ORDER BY created_at DESC, id DESC LIMIT 21) p
JOIN users u ON u.id = p.user_id
UNION ALL
SELECT TRUE, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL WHERE EXISTS (SELECT 1 FROM revoked_tokens WHERE jti = :jti)
ORDER BY created_at DESC, id DESC;
