using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using SocialMedia.Api.Database;
using SocialMedia.AppHost.LocalInfra;
using SocialMedia.AppHost.Postgres;

namespace SocialMedia.Tests.Infrastructure;

/// <summary>
/// A throwaway PostgreSQL cluster in a temp folder, on a free port, tuned for tests (no fsync:
/// nothing here must survive a crash). Found and run as the AppHost's processes mode does
/// (<see cref="PostgresInstallation"/>, <see cref="PostgresDataFolder"/>): the same binaries, and
/// as root the same unprivileged account.
/// Set SOCIALMEDIA_TEST_POSTGRES to an admin connection string to use a running server instead.
/// </summary>
public sealed class PostgresServer
{
    private readonly string _adminConnectionString;
    private readonly PostgresDataFolder? _folder;
    private readonly string? _pgCtl;
    private readonly string[] _startArguments;

    private PostgresServer(string adminConnectionString, PostgresDataFolder? folder, string? pgCtl, string[] startArguments)
    {
        _adminConnectionString = adminConnectionString;
        _folder = folder;
        _pgCtl = pgCtl;
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

        var installation = PostgresInstallation.Find(new LocalInfraOptions());
        var pgCtl = Path.Combine(installation.BinDirectory, "pg_ctl");
        var root = Path.Combine(Path.GetTempPath(), "socialmedia-tests-pg-" + Guid.NewGuid().ToString("N")[..12]);
        var folder = new PostgresDataFolder(root, installation);
        Directory.CreateDirectory(root);
        if (folder.RunAsAccount is { } account)
        {
            await Commands.RunAsync("chown", ["-R", $"{account}:{account}", root]);
        }

        var port = TestPorts.FreeTcpPort();
        await RunAsServerAsync(folder, installation.InitDb, ["-D", folder.Path, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync", "--locale=C.UTF-8"]);
        var serverOptions = $"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit={(survivesCrashes ? "on" : "off")} -c full_page_writes=off -c max_connections=400";
        string[] start = ["start", "-w", "-t", "60", "-D", folder.Path, "-l", Path.Combine(root, "server.log"), "-o", serverOptions];
        await RunAsServerAsync(folder, pgCtl, start);

        var server = new PostgresServer($"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres;Pooling=false", folder, pgCtl, start);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => server.Stop();
        StartWatchdog(folder, pgCtl, root);
        return server;
    }

    /// <summary>
    /// The test host may be killed before its exit handlers finish (the test platform does so
    /// shortly after a run), and pg_ctl's server does not die with it: clusters were left running.
    /// A detached shell, with none of the test host's streams, waits for this process to end, then
    /// stops the cluster and removes its folder. Harmless when <see cref="Stop"/> got there first.
    /// </summary>
    private static void StartWatchdog(PostgresDataFolder folder, string pgCtl, string root)
    {
        var (command, arguments) = folder.AsServerAccount(pgCtl, "stop", "-m", "immediate", "-D", folder.Path);
        var stop = string.Join(' ', arguments.Prepend(command).Select(a => $"'{a}'"));
        var script = $"exec </dev/null >/dev/null 2>&1; while kill -0 {Environment.ProcessId}; do sleep 1; done; "
            + $"{stop}; rm -rf '{root}'";
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
    public Task CrashAsync() => RunAsServerAsync(OwnFolder, _pgCtl!, ["stop", "-m", "immediate", "-D", OwnFolder.Path]);

    /// <summary>Starts a server stopped by <see cref="CrashAsync"/> again, on the same port and data.</summary>
    public Task RestartAsync() => RunAsServerAsync(OwnFolder, _pgCtl!, _startArguments);

    private PostgresDataFolder OwnFolder => _folder
        ?? throw new InvalidOperationException("This server was not started by the tests (SOCIALMEDIA_TEST_POSTGRES): it cannot be stopped.");

    private void Stop()
    {
        if (_folder is null || _pgCtl is null)
        {
            return;
        }

        try
        {
            RunAsServerAsync(_folder, _pgCtl, ["stop", "-m", "immediate", "-D", _folder.Path]).Wait(TimeSpan.FromSeconds(20));
            Directory.Delete(Path.GetDirectoryName(_folder.Path)!, recursive: true);
        }
        catch (Exception e) when (e is AggregateException or IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            // Best effort at process exit; a leftover temp folder is harmless.
        }
    }

    private static Task<string> RunAsServerAsync(PostgresDataFolder folder, string program, string[] arguments)
    {
        var (command, commandArguments) = folder.AsServerAccount(program, arguments);
        return Commands.RunAsync(command, commandArguments);
    }
}
