-- The yardstick of a deep timeline page: the keyset page query alone.
-- protocol: prepared
SELECT p.id, p.content, p.image_key, p.likes_count, p.comments_count,
       COALESCE((SELECT TRUE FROM likes l WHERE l.user_id = :user_id AND l.post_id = p.id LIMIT 1), FALSE),
       p.user_id, u.username, u.avatar_url, p.created_at, p.updated_at
FROM (SELECT * FROM posts WHERE (created_at, id) < (:cursor_at, :cursor_id) ORDER BY created_at DESC, id DESC LIMIT 21) p
JOIN users u ON u.id = p.user_id
ORDER BY p.created_at DESC, p.id DESC;
