CREATE TABLE IF NOT EXISTS "__EFMigrationsHistory" (
    migration_id character varying(150) NOT NULL,
    product_version character varying(32) NOT NULL,
    CONSTRAINT pk___ef_migrations_history PRIMARY KEY (migration_id)
);

START TRANSACTION;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261129044518_InitialCreate') THEN
    CREATE TABLE revoked_tokens (
        jti character varying(64) NOT NULL,
        expires_at timestamp with time zone NOT NULL,
        CONSTRAINT pk_revoked_tokens PRIMARY KEY (jti)
    );
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261129044518_InitialCreate') THEN
    CREATE TABLE users (
        id uuid NOT NULL,
        email character varying(255) NOT NULL,
        username character varying(50) NOT NULL,
        password_digest character varying(255) NOT NULL,
        bio character varying(500),
        avatar_url character varying(500),
        created_at timestamp with time zone NOT NULL,
        updated_at timestamp with time zone NOT NULL,
        CONSTRAINT pk_users PRIMARY KEY (id)
    );
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261129044518_InitialCreate') THEN
    CREATE TABLE posts (
        id uuid NOT NULL,
        user_id uuid NOT NULL,
        content text NOT NULL,
        image_key character varying(500),
        likes_count integer NOT NULL DEFAULT 0,
        comments_count integer NOT NULL DEFAULT 0,
        created_at timestamp with time zone NOT NULL,
        updated_at timestamp with time zone NOT NULL,
        CONSTRAINT pk_posts PRIMARY KEY (id),
        CONSTRAINT fk_posts_users_user_id FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
    );
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261129044518_InitialCreate') THEN
    CREATE TABLE comments (
        id uuid NOT NULL,
        post_id uuid NOT NULL,
        user_id uuid NOT NULL,
        content text NOT NULL,
        created_at timestamp with time zone NOT NULL,
        updated_at timestamp with time zone NOT NULL,
        CONSTRAINT pk_comments PRIMARY KEY (id),
        CONSTRAINT fk_comments_posts_post_id FOREIGN KEY (post_id) REFERENCES posts (id) ON DELETE CASCADE,
        CONSTRAINT fk_comments_users_user_id FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
    );
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261129044518_InitialCreate') THEN
    CREATE TABLE likes (
        id uuid NOT NULL,
        user_id uuid NOT NULL,
        post_id uuid NOT NULL,
        created_at timestamp with time zone NOT NULL,
        CONSTRAINT pk_likes PRIMARY KEY (id),
        CONSTRAINT fk_likes_posts_post_id FOREIGN KEY (post_id) REFERENCES posts (id) ON DELETE CASCADE,
        CONSTRAINT fk_likes_users_user_id FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
    );
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261129044518_InitialCreate') THEN
    CREATE INDEX ix_comments_post_id_created_at_id ON comments (post_id, created_at, id);
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261129044518_InitialCreate') THEN
    CREATE INDEX ix_comments_user_id ON comments (user_id);
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261129044518_InitialCreate') THEN
    CREATE INDEX ix_likes_post_id_created_at_id ON likes (post_id, created_at DESC, id DESC);
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261129044518_InitialCreate') THEN
    CREATE UNIQUE INDEX ix_likes_user_id_post_id ON likes (user_id, post_id);
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261129044518_InitialCreate') THEN
    CREATE INDEX ix_posts_created_at_id ON posts (created_at DESC, id DESC);
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261129044518_InitialCreate') THEN
    CREATE UNIQUE INDEX ix_posts_image_key ON posts (image_key) WHERE image_key IS NOT NULL;
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261129044518_InitialCreate') THEN
    CREATE INDEX ix_posts_user_id_created_at_id ON posts (user_id, created_at DESC, id DESC);
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261129044518_InitialCreate') THEN
    CREATE UNIQUE INDEX ux_users_email_lower ON users (lower(email));
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261129044518_InitialCreate') THEN
    CREATE UNIQUE INDEX ux_users_username_lower ON users (lower(username));
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261129044518_InitialCreate') THEN
    CREATE INDEX ix_revoked_tokens_expires_at ON revoked_tokens (expires_at);
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261129044518_InitialCreate') THEN
    INSERT INTO "__EFMigrationsHistory" (migration_id, product_version)
    VALUES ('20261129044518_InitialCreate', '10.0.15');
    END IF;
END $EF$;
COMMIT;

START TRANSACTION;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261204013320_SharedRateLimits') THEN
    CREATE TABLE rate_limit_counters (
        key character varying(300) NOT NULL,
        window_ends_at timestamp with time zone NOT NULL,
        hits integer NOT NULL,
        CONSTRAINT pk_rate_limit_counters PRIMARY KEY (key)
    );
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261204013320_SharedRateLimits') THEN
    CREATE INDEX ix_rate_limit_counters_window_ends_at ON rate_limit_counters (window_ends_at);
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261204013320_SharedRateLimits') THEN
    INSERT INTO "__EFMigrationsHistory" (migration_id, product_version)
    VALUES ('20261204013320_SharedRateLimits', '10.0.15');
    END IF;
END $EF$;
COMMIT;

START TRANSACTION;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261204014840_ImageDeletionQueue') THEN
    CREATE TABLE image_deletions (
        key character varying(255) NOT NULL,
        due_at timestamp with time zone NOT NULL,
        CONSTRAINT pk_image_deletions PRIMARY KEY (key)
    );
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261204014840_ImageDeletionQueue') THEN
    CREATE INDEX ix_image_deletions_due_at ON image_deletions (due_at);
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261204014840_ImageDeletionQueue') THEN
    INSERT INTO "__EFMigrationsHistory" (migration_id, product_version)
    VALUES ('20261204014840_ImageDeletionQueue', '10.0.15');
    END IF;
END $EF$;
COMMIT;

START TRANSACTION;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261204052415_GenericPlans') THEN
    DO $plans$ BEGIN
        EXECUTE format('ALTER DATABASE %I SET plan_cache_mode = force_generic_plan', current_database());
    END $plans$;
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM "__EFMigrationsHistory" WHERE "migration_id" = '20261204052415_GenericPlans') THEN
    INSERT INTO "__EFMigrationsHistory" (migration_id, product_version)
    VALUES ('20261204052415_GenericPlans', '10.0.15');
    END IF;
END $EF$;
COMMIT;

