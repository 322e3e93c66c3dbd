-- GET /api/v1/posts?limit=20&cursor=... (a cursor deep down the timeline) with a bearer token.
-- run.sh passes the cursor's position as cursor_at and cursor_id.
-- protocol: extended
\set limit 21

DISCARD ALL;

SELECT EXISTS (
    SELECT 1
    FROM revoked_tokens AS r
    WHERE r.jti = :jti);

DISCARD ALL;

SELECT p0.id, p0.content, p0.image_key, p0.likes_count, p0.comments_count, EXISTS (
    SELECT 1
    FROM likes AS l
    WHERE p0.id = l.post_id AND l.user_id = :user_id), p0.user_id, u.username, u.avatar_url, p0.created_at, p0.updated_at
FROM (
    SELECT p.id, p.comments_count, p.content, p.created_at, p.image_key, p.likes_count, p.updated_at, p.user_id
    FROM posts AS p
    WHERE (p.created_at, p.id) < (:cursor_at, :cursor_id)
    ORDER BY p.created_at DESC, p.id DESC
    LIMIT :limit
) AS p0
INNER JOIN users AS u ON p0.user_id = u.id
ORDER BY p0.created_at DESC, p0.id DESC;
