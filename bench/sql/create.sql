-- POST /api/v1/posts (text only) with a bearer token. Where the API binds a value it made
-- (the new id, the time, no image), bench_*() functions from seed.sql make it in the database.
-- protocol: extended

DISCARD ALL;

SELECT EXISTS (
    SELECT 1
    FROM revoked_tokens AS r
    WHERE r.jti = :jti);

DISCARD ALL;

-- SaveChanges: the row; the counters come back from their column defaults.
INSERT INTO posts (id, content, created_at, image_key, updated_at, user_id)
VALUES (bench_new_id(), :content, bench_now(), bench_null(), bench_now(), :user_id)
RETURNING comments_count, likes_count;

DISCARD ALL;

-- The author for the response, read back in a second round trip.
SELECT u.id, u.username, u.avatar_url
FROM users AS u
WHERE u.id = :user_id
LIMIT 2;
