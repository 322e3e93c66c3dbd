using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using Npgsql;
using SocialMedia.Tests.Infrastructure;

namespace SocialMedia.Tests.Api;

/// <summary>
/// The published entry point, started as operators start it (<see cref="ApiProcess"/>: the API's
/// build output, or the build SOCIALMEDIA_API_DIR names): configuration mistakes stop it with one
/// clear line, and `migrate` is a command of its own.
/// </summary>
public sealed class StartupTests
{
    private static async Task<(int ExitCode, string Stdout, string Stderr)> RunApiAsync(Dictionary<string, string?> environment, params string[] arguments)
    {
        using var process = Process.Start(ApiProcess.StartInfo(environment, arguments))!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, await stdout, await stderr);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("too-short-secret")]
    public async Task Outside_development_a_missing_or_short_jwt_secret_stops_the_start_with_one_line(string? secret)
    {
        var (exitCode, _, stderr) = await RunApiAsync(new()
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["ASPNETCORE_URLS"] = "http://127.0.0.1:0",
            ["ConnectionStrings__socialdb"] = "Host=127.0.0.1;Database=unused",
            ["Jwt__Secret"] = secret,
        });

        Assert.Equal(1, exitCode);
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var line = Assert.Single(lines);
        Assert.Contains("Jwt:Secret", line, StringComparison.Ordinal);
        Assert.Contains("32 bytes", line, StringComparison.Ordinal);
        if (secret is not null)
        {
            Assert.DoesNotContain(secret, stderr, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("Cors__AllowedOrigins__0", "https://app.example.com/", "Cors:AllowedOrigins")]
    [InlineData("RateLimits__LoginFailuresPerMinute", "-1", "RateLimits:LoginFailuresPerMinute")]
    [InlineData("Storage__DeletionSweep__BatchSize", "0", "Storage:DeletionSweep")]
    public async Task A_setting_that_cannot_work_stops_the_start_with_one_line_naming_it(string key, string value, string named)
    {
        var (exitCode, _, stderr) = await RunApiAsync(new()
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["ASPNETCORE_URLS"] = "http://127.0.0.1:0",
            ["ConnectionStrings__socialdb"] = "Host=127.0.0.1;Database=unused",
            ["Jwt__Secret"] = ApiFactory.JwtSecret,
            [key] = value,
        });

        Assert.Equal(1, exitCode);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("Configuration error:", line, StringComparison.Ordinal);
        Assert.Contains(named, line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_production_start_logs_no_warning_and_writes_no_data_protection_key()
    {
        // Bearer tokens need no data-protection keys; ASP.NET Core's default would create one at the
        // first start on every fresh machine, write it unencrypted under $HOME/.aspnet and log a
        // warning (where $HOME is read-only, as in Lambda, keep it in memory and warn at each start).
        var home = Directory.CreateTempSubdirectory("socialmedia-home-");
        var info = ApiProcess.StartInfo(new Dictionary<string, string?>
        {
            ["HOME"] = home.FullName,
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["ASPNETCORE_URLS"] = "http://127.0.0.1:0",
            ["ConnectionStrings__socialdb"] = "Host=127.0.0.1;Database=unused",
            ["Jwt__Secret"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(48)),
        });
        using var process = Process.Start(info)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = new List<string>();
        List<string> written;
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            string? address = null;
            while (address is null && await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
            {
                stdout.Add(line);
                address = line.Trim() is var text && text.StartsWith("Now listening on: ", StringComparison.Ordinal) ? text["Now listening on: ".Length..] : null;
            }

            Assert.True(address is not null, string.Join('\n', stdout));
            using var client = new HttpClient { BaseAddress = new Uri(address) };
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/alive", timeout.Token)).StatusCode);
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            stdout.AddRange((await process.StandardOutput.ReadToEndAsync()).Split('\n'));
            written = home.EnumerateFiles("*", SearchOption.AllDirectories).Select(f => f.FullName).ToList();
            home.Delete(recursive: true);
        }

        Assert.Empty(written);

        Assert.DoesNotContain(stdout, line => line.StartsWith("warn", StringComparison.Ordinal) || line.Contains("DataProtection", StringComparison.Ordinal));
        Assert.Equal("", await stderr);
    }

    [Fact]
    public async Task A_migration_that_fails_stops_migrate_and_says_which_and_why()
    {
        // A database someone prepared by hand: a users table that is not the one the first migration creates.
        var postgres = await TestInfrastructure.GetPostgresAsync();
        var connectionString = await postgres.CreateEmptyDatabaseAsync();
        await ExecuteAsync(connectionString, "CREATE TABLE users (name text)");

        var (exitCode, stdout, stderr) = await RunApiAsync(
            new()
            {
                ["ASPNETCORE_ENVIRONMENT"] = "Production",
                ["ConnectionStrings__socialdb"] = connectionString,
            },
            "migrate");

        Assert.NotEqual(0, exitCode);
        var output = stdout + stderr;
        Assert.Matches(@"Applying \d+ migration\(s\): \d+_", output);
        Assert.Contains("Database migration failed", output, StringComparison.Ordinal);
        Assert.Contains("42P07: relation \"users\" already exists", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Migrate_needs_only_the_connection_string_and_applies_each_migration_once()
    {
        var postgres = await TestInfrastructure.GetPostgresAsync();
        var connectionString = await postgres.CreateEmptyDatabaseAsync();
        var environment = new Dictionary<string, string?>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["ConnectionStrings__socialdb"] = connectionString,
        };

        var first = await RunApiAsync(environment, "migrate");
        var second = await RunApiAsync(environment, "migrate");

        Assert.True(first.ExitCode == 0, first.Stdout + first.Stderr);
        Assert.Matches(@"Applying 4 migration\(s\): \d+_InitialCreate, \d+_SharedRateLimits, \d+_ImageDeletionQueue, \d+_GenericPlans", first.Stdout);
        Assert.Contains("Database migrated", first.Stdout, StringComparison.Ordinal);
        Assert.DoesNotMatch(@"(?m)^(fail|crit|warn):", first.Stdout);
        Assert.Equal("", first.Stderr);
        Assert.True(second.ExitCode == 0, second.Stdout + second.Stderr);
        Assert.Contains("Applying 0 migration(s)", second.Stdout, StringComparison.Ordinal);
        Assert.Equal(4L, await ScalarAsync(connectionString, "SELECT count(*) FROM \"__EFMigrationsHistory\""));
        Assert.Equal(true, await ScalarAsync(connectionString, "SELECT to_regclass('posts') IS NOT NULL"));
        // A new session (the API's pool, RDS Proxy's) plans prepared statements once, generically.
        Assert.Equal("force_generic_plan", await ScalarAsync(connectionString, "SHOW plan_cache_mode"));
    }

    [Fact]
    public async Task Migrate_without_a_connection_string_says_so_in_one_line()
    {
        var (exitCode, _, stderr) = await RunApiAsync(new() { ["ASPNETCORE_ENVIRONMENT"] = "Production" }, "migrate");

        Assert.Equal(1, exitCode);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("ConnectionStrings__socialdb", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_api_does_not_migrate_as_it_starts_even_in_development()
    {
        var (connectionString, stderr) = await RunOnAnEmptyDatabaseAsync(
            new() { ["ASPNETCORE_ENVIRONMENT"] = "Development", ["Storage__CreateBucketOnStartup"] = "false" },
            whileListening: (_, _) => Task.CompletedTask);

        Assert.Equal("", stderr);
        Assert.Equal(false, await ScalarAsync(connectionString, "SELECT to_regclass('\"__EFMigrationsHistory\"') IS NOT NULL"));
        Assert.Equal(0L, await ScalarAsync(connectionString, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"));
    }

    [Fact]
    public async Task The_database_session_is_open_before_the_first_request_arrives()
    {
        // A cold start's first request would otherwise wait for PostgreSQL to start a session after
        // the host has started; the API opens one while it starts, and no request is made here.
        long sessions = 0;
        var (_, stderr) = await RunOnAnEmptyDatabaseAsync(
            new() { ["ASPNETCORE_ENVIRONMENT"] = "Production", ["Jwt__Secret"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(48)) },
            whileListening: async (connectionString, cancellationToken) =>
            {
                for (var waited = 0; sessions == 0 && waited < 100; waited++)
                {
                    sessions = (long)(await ScalarAsync(connectionString, "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"))!;
                    if (sessions == 0)
                    {
                        await Task.Delay(100, cancellationToken);
                    }
                }
            });

        Assert.Equal("", stderr);
        Assert.True(sessions >= 1, "no session of the API's was open on its database before any request");
    }

    /// <summary>
    /// Starts the API (as operators do) on a fresh, empty database with <paramref name="settings"/>,
    /// runs <paramref name="whileListening"/> once it listens, then stops it. Returns the
    /// database's connection string and everything the API wrote to stderr.
    /// </summary>
    private static async Task<(string ConnectionString, string Stderr)> RunOnAnEmptyDatabaseAsync(
        Dictionary<string, string?> settings, Func<string, CancellationToken, Task> whileListening)
    {
        var postgres = await TestInfrastructure.GetPostgresAsync();
        var connectionString = await postgres.CreateEmptyDatabaseAsync();
        settings["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
        settings["ConnectionStrings__socialdb"] = connectionString;
        using var process = Process.Start(ApiProcess.StartInfo(settings))!;
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await WaitUntilListeningAsync(process, timeout.Token);
            await whileListening(connectionString, timeout.Token);
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        return (connectionString, await stderr);
    }

    /// <summary>Reads the API's output up to Kestrel's "Now listening on:" line.</summary>
    private static async Task WaitUntilListeningAsync(Process process, CancellationToken cancellationToken)
    {
        while (await process.StandardOutput.ReadLineAsync(cancellationToken) is { } line && !line.Contains("Now listening on:", StringComparison.Ordinal))
        {
        }
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<object?> ScalarAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }
}
