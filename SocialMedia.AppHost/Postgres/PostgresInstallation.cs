using System.Globalization;
using System.Text.RegularExpressions;
using SocialMedia.AppHost.LocalInfra;

namespace SocialMedia.AppHost.Postgres;

/// <summary>The PostgreSQL server programs found on this machine.</summary>
public sealed partial record PostgresInstallation(string BinDirectory, int MajorVersion)
{
    // The oldest release still supported upstream; the API and its migrations are tested on 15.
    private const int MinimumMajorVersion = 13;

    public string InitDb => Path.Combine(BinDirectory, "initdb");

    public string Postgres => Path.Combine(BinDirectory, "postgres");

    /// <summary>
    /// <see cref="LocalInfraOptions.PostgresBinDirectory"/> if set; else the folder of <c>postgres</c> on PATH;
    /// else the newest <c>/usr/lib/postgresql/*/bin</c> (Debian and Ubuntu keep the server off PATH).
    /// </summary>
    public static PostgresInstallation Find(LocalInfraOptions options)
    {
        var candidates = new List<string>();
        if (!string.IsNullOrWhiteSpace(options.PostgresBinDirectory))
        {
            candidates.Add(options.PostgresBinDirectory);
        }
        else
        {
            if (ExternalCommand.FindOnPath("postgres") is { } onPath)
            {
                // Follow a symlink to the real folder, where initdb of the same version lives.
                var real = new FileInfo(onPath).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? onPath;
                candidates.Add(Path.GetDirectoryName(real)!);
            }

            if (Directory.Exists("/usr/lib/postgresql"))
            {
                candidates.AddRange(Directory.GetDirectories("/usr/lib/postgresql")
                    .OrderByDescending(d => int.TryParse(Path.GetFileName(d), out var v) ? v : 0)
                    .Select(d => Path.Combine(d, "bin")));
            }
        }

        foreach (var directory in candidates)
        {
            if (File.Exists(Path.Combine(directory, "initdb")) && File.Exists(Path.Combine(directory, "postgres")))
            {
                var version = ReadMajorVersion(Path.Combine(directory, "postgres"));
                if (version < MinimumMajorVersion)
                {
                    throw new LocalInfraException(
                        $"Processes mode needs PostgreSQL {MinimumMajorVersion} or newer; {directory} holds {version}. Install a newer server (Debian/Ubuntu: apt-get install postgresql) or set LocalInfra:PostgresBinDirectory.");
                }

                return new PostgresInstallation(directory, version);
            }
        }

        throw new LocalInfraException(
            "Processes mode needs the PostgreSQL server programs (initdb, postgres) on PATH or in /usr/lib/postgresql/*/bin: install them (Debian/Ubuntu: apt-get install postgresql; macOS: brew install postgresql@16), set LocalInfra:PostgresBinDirectory, or start Docker/Podman to use containers.");
    }

    private static int ReadMajorVersion(string postgres)
    {
        // "postgres (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)"
        var outcome = ExternalCommand.RunAsync(postgres, ["--version"], TimeSpan.FromSeconds(10)).GetAwaiter().GetResult();
        var match = outcome is { Succeeded: true } ? VersionPattern().Match(outcome.Output) : Match.Empty;
        return match.Success
            ? int.Parse(match.Groups["major"].Value, CultureInfo.InvariantCulture)
            : throw new LocalInfraException($"{postgres} --version did not say which version it is ({outcome?.LastLine ?? "could not run it"}).");
    }

    [GeneratedRegex(@"PostgreSQL\)\s+(?<major>\d+)")]
    private static partial Regex VersionPattern();
}
