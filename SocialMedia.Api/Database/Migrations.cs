using System.Text.RegularExpressions;
using Npgsql;

namespace SocialMedia.Api.Database;

/// <summary>
/// <c>SocialMedia.Api migrate</c>: applies migrations.sql, the idempotent script generated from the
/// EF Core migrations of SocialMedia.Schema and embedded in this assembly. The same bytes run in
/// every build (Native AOT included) and everywhere the schema is made: the deploy step, the
/// AppHost's migration step, the tests' databases and bench/. Each migration in the script runs
/// once, in its own transaction, and is recorded in __EFMigrationsHistory as EF Core records it.
/// </summary>
internal sealed partial class Migrations(NpgsqlDataSource dataSource, ILogger<Migrations> logger)
{
    /// <summary>The embedded script's name (LogicalName in SocialMedia.Api.csproj).</summary>
    public const string ScriptResource = "migrations.sql";

    // Any number that no other advisory lock on the database uses: two migrate runs started at
    // once (two deploys, a test fixture beside the AppHost) take turns instead of racing to
    // create the same tables.
    private const long MigrationLock = 0x5_0C1A_1DB;

    private static readonly Lazy<string> s_script = new(ReadScript);

    public static string Script => s_script.Value;

    /// <summary>The migrations the script applies, oldest first.</summary>
    public static IReadOnlyList<string> MigrationIds => [.. MigrationIdPattern().Matches(Script).Select(m => m.Groups[1].Value).Distinct()];

    /// <summary>Applies what the database lacks; answers the migrations it applied, oldest first.</summary>
    public async Task<IReadOnlyList<string>> ApplyAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await ExecuteAsync(connection, $"SELECT pg_advisory_lock({MigrationLock})", cancellationToken);
        try
        {
            var applied = await AppliedAsync(connection, cancellationToken);
            var pending = MigrationIds.Where(id => !applied.Contains(id)).ToList();
            logger.LogInformation("Applying {Count} migration(s): {Migrations}", pending.Count, string.Join(", ", pending));
            await using var command = new NpgsqlCommand(Script, connection) { CommandTimeout = 0 };
            await command.ExecuteNonQueryAsync(cancellationToken);
            return pending;
        }
        catch (NpgsqlException) when (connection.State == System.Data.ConnectionState.Open)
        {
            // A migration that fails leaves the script's transaction open and aborted: end it, so
            // that the unlock below runs and the pooled session is clean. The failure is the answer.
            await TryExecuteAsync(connection, "ROLLBACK");
            throw;
        }
        finally
        {
            // A session lock outlives the command, and the pool keeps the session (No Reset On Close).
            await TryExecuteAsync(connection, $"SELECT pg_advisory_unlock({MigrationLock})");
        }
    }

    /// <summary>Clean-up after the work is done or failed: a failure here (the connection is gone, and the lock with it) must not hide the first one.</summary>
    private static async Task TryExecuteAsync(NpgsqlConnection connection, string sql)
    {
        if (connection.State != System.Data.ConnectionState.Open)
        {
            return;
        }

        try
        {
            await ExecuteAsync(connection, sql, CancellationToken.None);
        }
        catch (NpgsqlException)
        {
        }
    }

    private static async Task<HashSet<string>> AppliedAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var applied = new HashSet<string>(StringComparer.Ordinal);
        await using (var exists = new NpgsqlCommand("SELECT to_regclass('\"__EFMigrationsHistory\"') IS NOT NULL", connection))
        {
            if (await exists.ExecuteScalarAsync(cancellationToken) is not true)
            {
                return applied;
            }
        }

        await using var history = new NpgsqlCommand("SELECT migration_id FROM \"__EFMigrationsHistory\"", connection);
        await using var reader = await history.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            applied.Add(reader.GetString(0));
        }

        return applied;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static string ReadScript()
    {
        using var stream = typeof(Migrations).Assembly.GetManifestResourceStream(ScriptResource)
            ?? throw new InvalidOperationException($"The embedded {ScriptResource} is missing from {typeof(Migrations).Assembly.GetName().Name}.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    [GeneratedRegex("\"migration_id\" = '([^']+)'")]
    private static partial Regex MigrationIdPattern();
}

internal static class MigrateCommand
{
    /// <summary>
    /// <c>SocialMedia.Api migrate</c>: the deploy pipeline's and the AppHost's step before the API
    /// starts. It needs only <c>ConnectionStrings__socialdb</c>; nothing else is read or checked.
    /// </summary>
    public static async Task<int> MigrateDatabaseAsync(this WebApplication app)
    {
        if (string.IsNullOrWhiteSpace(app.Configuration.GetConnectionString(DatabaseSetup.ConnectionName)))
        {
            await Console.Error.WriteLineAsync($"Configuration error: ConnectionStrings:{DatabaseSetup.ConnectionName} must be set (environment variable ConnectionStrings__{DatabaseSetup.ConnectionName}).");
            return 1;
        }

        try
        {
            await app.Services.GetRequiredService<Migrations>().ApplyAsync(CancellationToken.None);
            await app.Services.GetRequiredService<AppRole>().EnsureAsync(
                app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<AppRoleOptions>>().Value, CancellationToken.None);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            app.Logger.LogCritical(e, "Database migration failed");
            return 1;
        }

        app.Logger.LogInformation("Database migrated");
        return 0;
    }
}
