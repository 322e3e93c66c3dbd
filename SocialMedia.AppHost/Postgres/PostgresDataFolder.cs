using System.Globalization;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using SocialMedia.AppHost.LocalInfra;

namespace SocialMedia.AppHost.Postgres;

/// <summary>
/// The server's own data folder inside the AppHost's data folder: created by <c>initdb</c> on first
/// start and kept between runs. PostgreSQL refuses to run as root, so under root every server program
/// runs as the unprivileged <c>postgres</c> account, which then owns the folder.
/// </summary>
public sealed class PostgresDataFolder(string dataDirectory, PostgresInstallation installation)
{
    private const string ServiceAccount = "postgres";

    public string Path { get; } = System.IO.Path.Combine(dataDirectory, "postgres");

    /// <summary>Kept beside the cluster, not in it: the cluster's password for as long as the cluster lives.</summary>
    private string PasswordFile { get; } = System.IO.Path.Combine(dataDirectory, "postgres.password");

    /// <summary>The account the server runs as, when it is not the current one.</summary>
    public string? RunAsAccount { get; } = Environment.IsPrivilegedProcess ? ServiceAccount : null;

    public bool IsInitialized => File.Exists(System.IO.Path.Combine(Path, "PG_VERSION"));

    /// <summary>
    /// Program and arguments that start <paramref name="program"/> as <see cref="RunAsAccount"/>.
    /// <c>setpriv</c> changes the account and then execs the program, so the orchestrator's stop
    /// signal reaches PostgreSQL itself. <c>runuser</c> stays in between as a parent that answers a
    /// stop signal by waiting two seconds and then killing the server outright, which costs every
    /// Ctrl-C those two seconds and makes the next start recover from a crash.
    /// </summary>
    public (string Command, string[] Arguments) AsServerAccount(string program, params string[] arguments) =>
        RunAsAccount is null
            ? (program, arguments)
            : ("setpriv", [$"--reuid={RunAsAccount}", $"--regid={RunAsAccount}", "--init-groups", "--", program, .. arguments]);

    /// <summary>Checks, before anything starts, that the server account exists and can reach the folder.</summary>
    public void CheckAccess()
    {
        Directory.CreateDirectory(dataDirectory);
        if (RunAsAccount is null)
        {
            return;
        }

        var id = ExternalCommand.RunAsync("id", ["-u", RunAsAccount], TimeSpan.FromSeconds(10)).GetAwaiter().GetResult();
        if (id is not { Succeeded: true })
        {
            throw new LocalInfraException(
                $"PostgreSQL refuses to run as root and there is no '{RunAsAccount}' account to run it as: create one (useradd --system {RunAsAccount}) or run the AppHost as a normal user.");
        }

        var (command, arguments) = AsServerAccount("test", "-x", dataDirectory);
        if (ExternalCommand.RunAsync(command, arguments, TimeSpan.FromSeconds(10)).GetAwaiter().GetResult() is not { Succeeded: true })
        {
            throw new LocalInfraException(
                $"The '{RunAsAccount}' account, which runs PostgreSQL because the AppHost runs as root, cannot reach {dataDirectory}: set LocalInfra:DataDirectory to a folder it can reach (e.g. /var/tmp/socialmedia) or run the AppHost as a normal user.");
        }
    }

    public string ReadOrCreatePassword()
    {
        if (File.Exists(PasswordFile))
        {
            return File.ReadAllText(PasswordFile).Trim();
        }

        if (IsInitialized)
        {
            throw new LocalInfraException(
                $"{PasswordFile} is missing, so the existing cluster in {Path} cannot be logged into: restore the file, or delete {Path} to start with an empty database.");
        }

        var password = RandomNumberGenerator.GetString("abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789", 32);
        File.WriteAllText(PasswordFile, password);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(PasswordFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        return password;
    }

    /// <summary>Runs <c>initdb</c> the first time; afterwards checks that the folder suits these binaries.</summary>
    public async Task InitializeAsync(string password, ILogger logger, CancellationToken cancellationToken)
    {
        if (RunAsAccount is not null)
        {
            logger.LogInformation("The AppHost runs as root, and PostgreSQL refuses root: the server runs as the '{Account}' account (setpriv --reuid={Account})", RunAsAccount, RunAsAccount);
        }

        if (IsInitialized)
        {
            var folderVersion = int.Parse(File.ReadAllText(System.IO.Path.Combine(Path, "PG_VERSION")).Trim(), CultureInfo.InvariantCulture);
            if (folderVersion != installation.MajorVersion)
            {
                throw new LocalInfraException(
                    $"{Path} was made by PostgreSQL {folderVersion} but the binaries in {installation.BinDirectory} are {installation.MajorVersion}: point LocalInfra:PostgresBinDirectory at {folderVersion}, or delete the folder to start over.");
            }

            await ChownAsync(cancellationToken);
            logger.LogInformation("Using the existing PostgreSQL {Version} data folder {Path}", folderVersion, Path);
            return;
        }

        logger.LogInformation("Creating the PostgreSQL {Version} data folder {Path} (initdb, first start only)", installation.MajorVersion, Path);
        Directory.CreateDirectory(Path);
        await ChownAsync(cancellationToken);
        // initdb reads the superuser's password from a file; it lives only until initdb is done.
        var passwordFile = System.IO.Path.Combine(dataDirectory, $".initdb-{Guid.NewGuid():N}");
        await File.WriteAllTextAsync(passwordFile, password, cancellationToken);
        try
        {
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(passwordFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }

            await ChownAsync(cancellationToken, passwordFile);
            var (command, arguments) = AsServerAccount(installation.InitDb,
                "--pgdata", Path,
                "--username", PostgresProcessResource.SuperUser,
                "--pwfile", passwordFile,
                "--auth", "scram-sha-256",
                "--encoding", "UTF8",
                "--no-locale");
            var outcome = await ExternalCommand.RunAsync(command, arguments, TimeSpan.FromMinutes(3), cancellationToken);
            foreach (var line in (outcome?.Output ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                logger.LogInformation("initdb: {Line}", line);
            }

            if (outcome is not { Succeeded: true })
            {
                Directory.Delete(Path, recursive: true);
                throw new LocalInfraException($"initdb failed: {outcome?.LastLine ?? "could not run it"}");
            }
        }
        finally
        {
            File.Delete(passwordFile);
        }
    }

    private async Task ChownAsync(CancellationToken cancellationToken, string? path = null)
    {
        if (RunAsAccount is null)
        {
            return;
        }

        var outcome = await ExternalCommand.RunAsync("chown", ["-R", $"{RunAsAccount}:", path ?? Path], TimeSpan.FromMinutes(1), cancellationToken);
        if (outcome is not { Succeeded: true })
        {
            throw new LocalInfraException($"Could not give {path ?? Path} to the '{RunAsAccount}' account: {outcome?.LastLine}");
        }
    }
}
