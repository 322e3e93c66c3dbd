namespace SocialMedia.Tests.Infrastructure;

/// <summary>
/// The real servers the tests talk to, started once per test process from the machine's own
/// binaries (PostgreSQL) and npm (s3rver), and stopped when the process exits. Every test class
/// gets its own database and bucket on them, so classes run in parallel without seeing each other.
/// </summary>
public static class TestInfrastructure
{
    private static readonly Lazy<Task<PostgresServer>> s_postgres = new(() => PostgresServer.StartAsync());
    private static readonly Lazy<Task<S3rverServer>> s_s3 = new(() => S3rverServer.StartAsync());

    public static Task<PostgresServer> GetPostgresAsync() => s_postgres.Value;

    public static Task<S3rverServer> GetS3Async() => s_s3.Value;

    /// <summary>The folder holding SocialMedia.sln.</summary>
    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    /// <summary>
    /// Where a project of the solution (<paramref name="project"/>, relative to the root) has its
    /// build output in the tests' own configuration and framework: this assembly lives in
    /// SocialMedia.Tests/bin/{Configuration}/{tfm}/, and projects it references are built first.
    /// </summary>
    public static string BuildOutput(string project)
    {
        var tfmDirectory = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        return Path.Combine(RepositoryRoot, project, "bin", tfmDirectory.Parent!.Name, tfmDirectory.Name);
    }

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "SocialMedia.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("SocialMedia.sln not found above " + AppContext.BaseDirectory);
    }
}
