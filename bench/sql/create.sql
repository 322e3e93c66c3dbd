-- POST /api/v1/posts (text only) with a bearer token. Where the API binds a value it made
-- (the new id, the time, no image), bench_*() functions from seed.sql make it in the database.
-- protocol: prepared

-- One statement: the token's revocation lookup, the row (written only for a live token) and its
-- author for the response.
WITH t AS (SELECT EXISTS (SELECT 1 FROM revoked_tokens WHERE jti = :jti) AS revoked), inserted AS (
    INSERT INTO posts (id, user_id, content, image_key, created_at, updated_at)
    SELECT bench_new_id(), :user_id, :content, bench_null(), bench_now(), bench_now() FROM t WHERE NOT t.revoked
    RETURNING user_id
)
SELECT t.revoked, u.username, u.avatar_url
FROM t LEFT JOIN (inserted i JOIN users u ON u.id = i.user_id) ON TRUE;
