using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace SocialMedia.AppHost.Postgres;

/// <summary>What the AppHost itself does to a PostgreSQL server: check it, create databases and empty them.</summary>
public static class PostgresAdmin
{
    /// <summary>
    /// A connection for administration through a server-level connection string. No pooling: an idle
    /// pooled connection held by the AppHost would keep the server's shutdown or a DROP DATABASE waiting.
    /// </summary>
    public static async Task<NpgsqlConnection> OpenAsync(IResourceWithConnectionString resource, string database, CancellationToken cancellationToken)
    {
        var connectionString = await resource.GetConnectionStringAsync(cancellationToken)
            ?? throw new InvalidOperationException($"{resource.Name} has no connection string yet.");
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false, Timeout = 5 };
        if (database.Length > 0)
        {
            builder.Database = database;
        }

        var connection = new NpgsqlConnection(builder.ConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    public static async Task CreateDatabaseIfMissingAsync(IResourceWithConnectionString server, string database, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(server, "postgres", cancellationToken);
        await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = @name", connection);
        exists.Parameters.AddWithValue("name", database);
        if (await exists.ExecuteScalarAsync(cancellationToken) is null)
        {
            await using var create = new NpgsqlCommand($"CREATE DATABASE {Quote(database)}", connection);
            await create.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    /// <summary>
    /// Empties every table of the application's schema, keeping the schema and the migrations history.
    /// Returns false when the database does not exist yet (nothing to empty).
    /// </summary>
    public static async Task<bool> EmptyAllTablesAsync(IResourceWithConnectionString server, string database, CancellationToken cancellationToken)
    {
        await using (var admin = await OpenAsync(server, "postgres", cancellationToken))
        await using (var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = @name", admin))
        {
            exists.Parameters.AddWithValue("name", database);
            if (await exists.ExecuteScalarAsync(cancellationToken) is null)
            {
                return false;
            }
        }

        await using var connection = await OpenAsync(server, database, cancellationToken);
        await using var list = new NpgsqlCommand(
            """
            SELECT string_agg(format('%I.%I', schemaname, tablename), ', ')
            FROM pg_tables WHERE schemaname = 'public' AND tablename <> '__EFMigrationsHistory'
            """, connection);
        if (await list.ExecuteScalarAsync(cancellationToken) is string tables)
        {
            await using var truncate = new NpgsqlCommand($"TRUNCATE {tables} RESTART IDENTITY CASCADE", connection);
            await truncate.ExecuteNonQueryAsync(cancellationToken);
        }

        return true;
    }

    private static string Quote(string identifier) => $"\"{identifier.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";
}

/// <summary>Healthy once a connection to the database opens and answers a query.</summary>
public sealed class PostgresConnectionHealthCheck(IResourceWithConnectionString resource, string database) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var connection = await PostgresAdmin.OpenAsync(resource, database, cancellationToken);
            await using var command = new NpgsqlCommand("SELECT 1", connection);
            await command.ExecuteScalarAsync(cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, e.Message);
        }
    }
}
