-- Grows the timeline to :total posts, all older than the seed's: the deep-cursor page is then
-- read from a table a hundred times larger. psql -v posts=10000 -v total=1000000 -v users=20000
\set ON_ERROR_STOP on

-- The rows the create benchmark added (ids not made by bench_post_id), so the count is exact.
DELETE FROM posts WHERE id > bench_post_id(:total);

SELECT min(created_at) AS oldest FROM posts \gset

INSERT INTO posts (id, user_id, content, image_key, likes_count, comments_count, created_at, updated_at)
SELECT bench_post_id(n), author,
       'Post ' || n || ': ' || left(repeat('Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor. ', 4), (30 + (n * 37) % 250)::int),
       CASE WHEN n % 5 = 0 THEN 'posts/' || author || '/' || gen_random_uuid() || '.jpg' END,
       0, 0, t, t
FROM generate_series(:posts + 1, :total::bigint) n,
     LATERAL (SELECT bench_user_id(1 + (n * 7919) % :users) AS author,
                     date_trunc('milliseconds', :'oldest'::timestamptz - (n - :posts) * interval '3 seconds') AS t) p;

VACUUM (ANALYZE) posts;
