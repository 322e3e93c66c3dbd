using Microsoft.Extensions.Configuration;

namespace SocialMedia.AppHost.LocalInfra;

public enum LocalInfraMode
{
    /// <summary>Containers when a container runtime answers, processes otherwise.</summary>
    Auto,

    /// <summary>PostgreSQL and LocalStack containers (Docker or Podman).</summary>
    Containers,

    /// <summary>Locally installed PostgreSQL binaries and s3rver from npm: no container runtime needed.</summary>
    Processes,
}

/// <summary>What serves the API at <see cref="LocalInfraOptions.ApiPort"/>.</summary>
public enum ApiHostKind
{
    /// <summary>The API on Kestrel: one process, the quickest edit-and-run loop.</summary>
    Kestrel,

    /// <summary>The five Lambda functions behind the API Gateway emulator: the path that ships.</summary>
    Lambda,
}

/// <summary>Which API Gateway the Lambda mode emulates.</summary>
public enum LocalApiGateway
{
    /// <summary>REST API, payload 1.0: what deploy/ builds.</summary>
    Rest,

    /// <summary>HTTP API, payload 2.0.</summary>
    Http,
}

/// <summary>The <c>LocalInfra</c> configuration section (appsettings.json, environment, or <c>--LocalInfra:Mode=...</c>).</summary>
public sealed class LocalInfraOptions
{
    public const string SectionName = "LocalInfra";

    public LocalInfraMode Mode { get; set; } = LocalInfraMode.Auto;

    /// <summary>Where processes mode keeps PostgreSQL's and s3rver's data. Default: <c>SocialMedia.AppHost/.data</c>.</summary>
    public string? DataDirectory { get; set; }

    /// <summary><c>Kestrel</c> (default) or <c>Lambda</c>: <c>--LocalInfra:ApiHost=Lambda</c>, or <c>LocalInfra__ApiHost=Lambda</c>.</summary>
    public ApiHostKind ApiHost { get; set; } = ApiHostKind.Kestrel;

    /// <summary>In Lambda mode, the gateway's kind: <c>Rest</c> (default, as deployed) or <c>Http</c>.</summary>
    public LocalApiGateway ApiGateway { get; set; } = LocalApiGateway.Rest;

    /// <summary>The API's port: fixed so a frontend knows where to call.</summary>
    public int ApiPort { get; set; } = 5080;

    /// <summary>Host ports for PostgreSQL and S3. Unset: a free port is picked at each start.</summary>
    public int? PostgresPort { get; set; }

    public int? S3Port { get; set; }

    /// <summary>A folder holding <c>initdb</c> and <c>postgres</c>, when they are neither on PATH nor in <c>/usr/lib/postgresql/*/bin</c>.</summary>
    public string? PostgresBinDirectory { get; set; }

    public static LocalInfraOptions From(IConfiguration configuration, string appHostDirectory)
    {
        var options = configuration.GetSection(SectionName).Get<LocalInfraOptions>() ?? new LocalInfraOptions();
        options.DataDirectory = Path.GetFullPath(string.IsNullOrWhiteSpace(options.DataDirectory)
            ? Path.Combine(appHostDirectory, ".data")
            : options.DataDirectory);
        return options;
    }
}
