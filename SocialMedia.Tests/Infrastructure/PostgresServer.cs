using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using SocialMedia.Api.Database;

namespace SocialMedia.Tests.Infrastructure;

/// <summary>
/// A throwaway PostgreSQL cluster in a temp folder, on a free port, tuned for tests (no fsync:
/// nothing here must survive a crash). PostgreSQL refuses to run as root, so as root every
/// server command runs as the <c>postgres</c> account.
/// Set SOCIALMEDIA_TEST_POSTGRES to an admin connection string to use a running server instead.
/// </summary>
public sealed class PostgresServer
{
    private readonly string _adminConnectionString;
    private readonly string? _binDirectory;
    private readonly string? _dataDirectory;
    private readonly string[] _startArguments;

    private PostgresServer(string adminConnectionString, string? binDirectory, string? dataDirectory, string[] startArguments)
    {
        _adminConnectionString = adminConnectionString;
        _binDirectory = binDirectory;
        _dataDirectory = dataDirectory;
        _startArguments = startArguments;
    }

    public static Task<PostgresServer> StartAsync() => StartAsync(survivesCrashes: false);

    /// <summary>
    /// With <paramref name="survivesCrashes"/>, a commit is acknowledged only once its WAL reached the
    /// operating system (synchronous_commit on), as in production: a test that crashes the server
    /// with <see cref="CrashAsync"/> then finds every acknowledged row again.
    /// </summary>
    public static async Task<PostgresServer> StartAsync(bool survivesCrashes)
    {
        if (Environment.GetEnvironmentVariable("SOCIALMEDIA_TEST_POSTGRES") is { Length: > 0 } existing)
        {
            return new PostgresServer(existing, null, null, []);
        }

        var bin = FindBinDirectory();
        var root = Path.Combine(Path.GetTempPath(), "socialmedia-tests-pg-" + Guid.NewGuid().ToString("N")[..12]);
        var data = Path.Combine(root, "data");
        Directory.CreateDirectory(root);
        if (ProcessRunner.IsRoot)
        {
            await ProcessRunner.RunAsync("chown", ["-R", "postgres:postgres", root]);
        }

        var port = ProcessRunner.FreeTcpPort();
        await RunAsPostgresAsync(Path.Combine(bin, "initdb"), ["-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync", "--locale=C.UTF-8"]);
        var serverOptions = $"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit={(survivesCrashes ? "on" : "off")} -c full_page_writes=off -c max_connections=400";
        string[] start = ["start", "-w", "-t", "60", "-D", data, "-l", Path.Combine(root, "server.log"), "-o", serverOptions];
        await RunAsPostgresAsync(Path.Combine(bin, "pg_ctl"), start);

        var server = new PostgresServer($"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres;Pooling=false", bin, data, start);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => server.Stop();
        StartWatchdog(bin, data, root);
        return server;
    }

    /// <summary>
    /// The test host may be killed before its exit handlers finish (the test platform does so
    /// shortly after a run), and pg_ctl's server does not die with it: clusters were left running.
    /// A detached shell, with none of the test host's streams, waits for this process to end, then
    /// stops the cluster and removes its folder. Harmless when <see cref="Stop"/> got there first.
    /// </summary>
    private static void StartWatchdog(string bin, string data, string root)
    {
        var pgCtl = ProcessRunner.IsRoot ? $"runuser -u postgres -- '{bin}/pg_ctl'" : $"'{bin}/pg_ctl'";
        var script = $"exec </dev/null >/dev/null 2>&1; while kill -0 {Environment.ProcessId}; do sleep 1; done; "
            + $"{pgCtl} stop -m immediate -D '{data}'; rm -rf '{root}'";
        using var watchdog = Process.Start(new ProcessStartInfo("setsid", ["sh", "-c", script]) { UseShellExecute = false });
    }

    /// <summary>
    /// A new database with the API's schema, applied by the API's own migration code from the
    /// script it carries: what <c>SocialMedia.Api migrate</c> does before every start.
    /// </summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var connectionString = await CreateEmptyDatabaseAsync();
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await new Migrations(dataSource, NullLogger<Migrations>.Instance).ApplyAsync(CancellationToken.None);
        return connectionString;
    }

    /// <summary>A new, empty database: no schema, no migrations history.</summary>
    public async Task<string> CreateEmptyDatabaseAsync()
    {
        var name = "t_" + Guid.NewGuid().ToString("N");
        await using (var connection = new NpgsqlConnection(_adminConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await command.ExecuteNonQueryAsync();
        }

        return new NpgsqlConnectionStringBuilder(_adminConnectionString) { Database = name, Pooling = true }.ConnectionString;
    }

    /// <summary>
    /// Stops the server the way a crash or a failover does (<c>-m immediate</c>: no checkpoint,
    /// connections cut). Only for a server of the test's own (<see cref="StartAsync"/>), never the shared one.
    /// </summary>
    public Task CrashAsync() =>
        RunAsPostgresAsync(Path.Combine(OwnBinDirectory, "pg_ctl"), ["stop", "-m", "immediate", "-D", _dataDirectory!]);

    /// <summary>Starts a server stopped by <see cref="CrashAsync"/> again, on the same port and data.</summary>
    public Task RestartAsync() => RunAsPostgresAsync(Path.Combine(OwnBinDirectory, "pg_ctl"), _startArguments);

    private string OwnBinDirectory => _binDirectory
        ?? throw new InvalidOperationException("This server was not started by the tests (SOCIALMEDIA_TEST_POSTGRES): it cannot be stopped.");

    private void Stop()
    {
        if (_binDirectory is null || _dataDirectory is null)
        {
            return;
        }

        try
        {
            RunAsPostgresAsync(Path.Combine(_binDirectory, "pg_ctl"), ["stop", "-m", "immediate", "-D", _dataDirectory]).Wait(TimeSpan.FromSeconds(20));
            Directory.Delete(Path.GetDirectoryName(_dataDirectory)!, recursive: true);
        }
        catch (Exception e) when (e is AggregateException or IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            // Best effort at process exit; a leftover temp folder is harmless.
        }
    }

    private static Task<string> RunAsPostgresAsync(string program, string[] arguments) =>
        ProcessRunner.IsRoot
            ? ProcessRunner.RunAsync("runuser", ["-u", "postgres", "--", program, .. arguments])
            : ProcessRunner.RunAsync(program, arguments);

    private static string FindBinDirectory()
    {
        var candidates = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin"))
                .OrderByDescending(d => int.TryParse(Path.GetFileName(Path.GetDirectoryName(d)), out var v) ? v : 0)
            : Enumerable.Empty<string>();
        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries);
        return candidates.Concat(onPath).FirstOrDefault(d => File.Exists(Path.Combine(d, "initdb")) && File.Exists(Path.Combine(d, "pg_ctl")))
            ?? throw new InvalidOperationException("PostgreSQL server binaries (initdb, pg_ctl) not found: install postgresql (apt-get install postgresql) or set SOCIALMEDIA_TEST_POSTGRES.");
    }
}
