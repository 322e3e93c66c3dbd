namespace SocialMedia.AppHost.LocalInfra;

/// <summary>An image containers mode runs, as a runtime names it.</summary>
public sealed record ContainerImage(string Registry, string Image, string Tag)
{
    public string Reference => $"{Registry}/{Image}:{Tag}";
}

/// <summary>
/// Every image containers mode runs: the model is built from these, and the probe checks that a
/// runtime can get each of them before it picks containers mode. Pinned, so a pull months from now
/// gets the same servers, and an Aspire upgrade never hands an existing PostgreSQL data volume to
/// a newer major version.
/// </summary>
public static class ContainerImages
{
    /// <summary>Aspire 13.6's own default for AddPostgres.</summary>
    public static readonly ContainerImage Postgres = new("docker.io", "library/postgres", "18.3");

    /// <summary>The last community image that starts without LOCALSTACK_AUTH_TOKEN; later tags need an account.</summary>
    public static readonly ContainerImage LocalStack = new("docker.io", "localstack/localstack", "4.14.0");

    public static IReadOnlyList<ContainerImage> All { get; } = [Postgres, LocalStack];
}
