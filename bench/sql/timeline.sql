-- GET /api/v1/posts?limit=20 with a bearer token: the statements the API sends, as PostgreSQL
-- logged them (bench/run.sh checks this file against the log on every run).
-- protocol: extended
\set limit 21

-- Npgsql's reset of a pooled connection, sent ahead of the first statement after each reuse.
DISCARD ALL;

-- The bearer handler: has this token been logged out?
SELECT EXISTS (
    SELECT 1
    FROM revoked_tokens AS r
    WHERE r.jti = :jti);

DISCARD ALL;

-- The page: author by join, liked_by_me by EXISTS, keyset order, limit + 1 to see whether there is more.
SELECT p0.id, p0.content, p0.image_key, p0.likes_count, p0.comments_count, EXISTS (
    SELECT 1
    FROM likes AS l
    WHERE p0.id = l.post_id AND l.user_id = :user_id), p0.user_id, u.username, u.avatar_url, p0.created_at, p0.updated_at
FROM (
    SELECT p.id, p.comments_count, p.content, p.created_at, p.image_key, p.likes_count, p.updated_at, p.user_id
    FROM posts AS p
    ORDER BY p.created_at DESC, p.id DESC
    LIMIT :limit
) AS p0
INNER JOIN users AS u ON p0.user_id = u.id
ORDER BY p0.created_at DESC, p0.id DESC;
