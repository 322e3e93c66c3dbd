-- The bench's data set, made with generate_series in seconds rather than through the API:
-- psql -v users=20000 -v posts=10000 -v bench_user=UUID -f seed.sql
-- bench_user is the account bench/run.sh registered through the API (a real bcrypt hash; it is
-- the one the bench signs in with). Everything else is shaped like a young social network:
-- more users than posts (most of them post rarely), posts 40-280 characters long, a fifth with an
-- image, 0-8 likes and 0-4 comments on each, busy threads on the newest posts, counters that
-- match the rows. With a users table of a few pages, PostgreSQL may instead hash all of it for
-- every page (and the plan flips between runs): not what a real network's statements do.
\set ON_ERROR_STOP on

-- Ids a load script can compute from a number (post n is bench_post_id(n)), shaped like the
-- API's version-7 ids. pgbench cannot bind a uuid made from a random number, so its scripts
-- call these where the API binds a parameter: inlined SQL functions, a few microseconds each.
CREATE FUNCTION bench_user_id(n bigint) RETURNS uuid LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT ('00000000-0000-7000-8000-' || lpad(to_hex(n), 12, '0'))::uuid $$;
CREATE FUNCTION bench_post_id(n bigint) RETURNS uuid LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT ('00000001-0000-7000-8000-' || lpad(to_hex(n), 12, '0'))::uuid $$;
-- What the API makes for a new row: a version-7 id (Guid.CreateVersion7) and a millisecond timestamp.
CREATE FUNCTION bench_new_id() RETURNS uuid LANGUAGE sql VOLATILE
    AS $$ SELECT encode(set_bit(set_bit(overlay(uuid_send(gen_random_uuid())
              PLACING substring(int8send(floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint) FROM 3) FROM 1 FOR 6),
              52, 1), 53, 1), 'hex')::uuid $$;
CREATE FUNCTION bench_now() RETURNS timestamptz LANGUAGE sql VOLATILE
    AS $$ SELECT date_trunc('milliseconds', clock_timestamp()) $$;
-- A NULL parameter (pgbench variables cannot be NULL).
CREATE FUNCTION bench_null() RETURNS text LANGUAGE sql IMMUTABLE
    AS $$ SELECT NULL::text $$;

INSERT INTO users (id, email, username, password_digest, bio, avatar_url, created_at, updated_at)
SELECT bench_user_id(n), 'user' || n || '@bench.example', 'user' || n,
       -- Nobody signs in as these: a real digest all the same (the bench account's), never a fake one.
       (SELECT password_digest FROM users WHERE id = :'bench_user'),
       CASE WHEN n % 3 = 0 THEN 'Writes about databases, coffee and the weather. #' || n END,
       CASE WHEN n % 2 = 0 THEN 'https://avatars.bench.example/' || n || '.png' END,
       t, t
FROM generate_series(1, :users) n,
     LATERAL (SELECT date_trunc('milliseconds', now() - interval '400 days' + n * (interval '400 days' / :users)) AS t) times;

INSERT INTO posts (id, user_id, content, image_key, likes_count, comments_count, created_at, updated_at)
SELECT bench_post_id(n), author,
       'Post ' || n || ': ' || left(repeat('Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor. ', 4), (30 + (n * 37) % 250)::int),
       CASE WHEN n % 5 = 0 THEN 'posts/' || author || '/' || gen_random_uuid() || '.jpg' END,
       0, 0, t, t
FROM generate_series(1, :posts::bigint) n,
     LATERAL (SELECT bench_user_id(1 + (n * 7919) % :users) AS author,
                     date_trunc('milliseconds', now() - (:posts - n) * interval '90 seconds') AS t) p;

-- 0-8 likes a post from distinct users, a minute apart.
INSERT INTO likes (id, user_id, post_id, created_at)
SELECT gen_random_uuid(), bench_user_id(1 + (n * 31 + j * 7) % :users), p.id, p.created_at + j * interval '1 minute'
FROM generate_series(1, :posts::bigint) n
JOIN posts p ON p.id = bench_post_id(n),
     generate_series(1, (n * 13) % 9) j
ON CONFLICT DO NOTHING;

-- The bench account liked a third of the newest 1,000 posts: liked_by_me is true on some rows of
-- a timeline page. The like benchmark stays below them, so each of its likes inserts a row.
INSERT INTO likes (id, user_id, post_id, created_at)
SELECT gen_random_uuid(), :'bench_user', p.id, p.created_at + interval '30 seconds'
FROM generate_series(greatest(1, :posts - 999), :posts) n
JOIN posts p ON p.id = bench_post_id(n)
WHERE n % 3 = 0;

-- 0-4 comments a post, and busy threads (30 more) on the newest 100.
INSERT INTO comments (id, post_id, user_id, content, created_at, updated_at)
SELECT gen_random_uuid(), p.id, bench_user_id(1 + (n * 17 + j * 11) % :users),
       'Comment ' || j || ' on post ' || n || ': ' || left('Agreed, and the index makes all the difference here.', (20 + (n + j) % 33)::int),
       c, c
FROM generate_series(1, :posts::bigint) n
JOIN posts p ON p.id = bench_post_id(n),
     generate_series(1, (n * 17) % 5 + CASE WHEN n > :posts - 100 THEN 30 ELSE 0 END) j,
     LATERAL (SELECT p.created_at + j * interval '7 seconds' AS c) times;

UPDATE posts p SET likes_count = l.n FROM (SELECT post_id, count(*) AS n FROM likes GROUP BY post_id) l WHERE p.id = l.post_id;
UPDATE posts p SET comments_count = c.n FROM (SELECT post_id, count(*) AS n FROM comments GROUP BY post_id) c WHERE p.id = c.post_id;

VACUUM (ANALYZE) users, posts, likes, comments;
