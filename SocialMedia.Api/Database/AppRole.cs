using Npgsql;

namespace SocialMedia.Api.Database;

/// <summary>
/// The database role the API runs as, when one is configured (<c>Database:AppRole:Username</c>; in
/// AWS its credentials come from <c>Database:AppCredentialsSecretArn</c>).
/// </summary>
public sealed class AppRoleOptions
{
    public const string SectionName = "Database:AppRole";

    public string? Username { get; set; }

    /// <summary>Set on the role when given; empty leaves its password as it is (trust or IAM authentication).</summary>
    public string? Password { get; set; }
}

/// <summary>
/// Least privilege for the running API: <c>migrate</c> connects as the schema's owner (the master
/// user in AWS) and, after the migrations, makes sure the API's role exists, can log in with the
/// password from its secret, and holds DML on the API's tables and nothing more: no DDL, no
/// migration history, no other schema. Run after every migration, so tables a migration adds get
/// the same grants.
/// </summary>
internal sealed class AppRole(NpgsqlDataSource dataSource, ILogger<AppRole> logger)
{
    // The role name and password travel as transaction-local settings, never inside SQL text (which
    // the server may log); the block formats them with %I / %L.
    private const string EnsureSql = """
        DO $$
        DECLARE
            r text := current_setting('socialmedia.app_role');
            p text := current_setting('socialmedia.app_password');
        BEGIN
            IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = r) THEN
                EXECUTE format('CREATE ROLE %I LOGIN', r);
            END IF;
            IF p <> '' THEN
                EXECUTE format('ALTER ROLE %I WITH LOGIN PASSWORD %L', r, p);
            END IF;
            EXECUTE format('GRANT CONNECT ON DATABASE %I TO %I', current_database(), r);
            EXECUTE format('GRANT USAGE ON SCHEMA public TO %I', r);
            EXECUTE format('REVOKE CREATE ON SCHEMA public FROM %I', r);
            EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO %I', r);
            EXECUTE format('REVOKE ALL ON TABLE public."__EFMigrationsHistory" FROM %I', r);
            EXECUTE format('GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO %I', r);
        END $$
        """;

    public async Task EnsureAsync(AppRoleOptions role, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(role.Username))
        {
            return;
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var settings = new NpgsqlCommand("SELECT set_config('socialmedia.app_role', $1, true), set_config('socialmedia.app_password', $2, true)", connection, transaction))
        {
            settings.Parameters.Add(new NpgsqlParameter { Value = role.Username });
            settings.Parameters.Add(new NpgsqlParameter { Value = role.Password ?? "" });
            await settings.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var ensure = new NpgsqlCommand(EnsureSql, connection, transaction))
        {
            await ensure.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        logger.LogInformation("Database role {Role} holds DML on the API's tables", role.Username);
    }
}
