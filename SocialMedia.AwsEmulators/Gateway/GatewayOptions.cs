using Microsoft.Extensions.Options;

namespace SocialMedia.AwsEmulators.Gateway;

/// <summary>Which API Gateway product is emulated, and so which event payload the functions get.</summary>
public enum GatewayKind
{
    /// <summary>REST API, Lambda proxy integration, payload 1.0 (what deploy/ builds).</summary>
    Rest,

    /// <summary>HTTP API, payload 2.0.</summary>
    HttpV2,
}

/// <summary>One route of deploy/terraform/routes.json, and the function that serves it.</summary>
public sealed class GatewayRoute
{
    public string Method { get; set; } = "";

    public string Path { get; set; } = "";

    public string Function { get; set; } = "";

    /// <summary>Whether the Lambda authorizer runs first ("auth": "required").</summary>
    public bool RequiresAuth { get; set; }
}

/// <summary>The gateway's settings, given by the AppHost as <c>Gateway__…</c> variables.</summary>
public sealed class GatewayOptions
{
    public const string SectionName = "Gateway";

    public GatewayKind Type { get; set; } = GatewayKind.Rest;

    /// <summary>Base URL of the Lambda service emulator (its Invoke API).</summary>
    public string LambdaEndpoint { get; set; } = "";

    public List<GatewayRoute> Routes { get; set; } = [];

    /// <summary>The authorizer function; required when a route requires auth.</summary>
    public string? AuthorizerFunction { get; set; }

    /// <summary>How long an authorizer's policy is kept per token (deploy/'s authorizer_cache_ttl_seconds).</summary>
    public int AuthorizerCacheTtlSeconds { get; set; } = 300;

    /// <summary>API Gateway's integration timeout: a function slower than this gets a 504.</summary>
    public int IntegrationTimeoutSeconds { get; set; } = 29;

    /// <summary>The stage the events name (REST); HTTP APIs use <c>$default</c>.</summary>
    public string Stage { get; set; } = "local";
}

internal sealed class GatewayOptionsValidator : IValidateOptions<GatewayOptions>
{
    public ValidateOptionsResult Validate(string? name, GatewayOptions options)
    {
        var failures = new List<string>();
        if (!Uri.TryCreate(options.LambdaEndpoint, UriKind.Absolute, out _))
        {
            failures.Add("Gateway:LambdaEndpoint must be the Lambda service emulator's URL.");
        }

        if (options.Routes.Count == 0)
        {
            failures.Add("Gateway:Routes lists no route.");
        }

        if (options.Routes.Exists(r => r.RequiresAuth) && string.IsNullOrWhiteSpace(options.AuthorizerFunction))
        {
            failures.Add("Routes require auth, and Gateway:AuthorizerFunction names no authorizer.");
        }

        if (options.AuthorizerCacheTtlSeconds is < 0 or > 3600 || options.IntegrationTimeoutSeconds is < 1 or > 29)
        {
            failures.Add("Gateway:AuthorizerCacheTtlSeconds is 0 to 3600, Gateway:IntegrationTimeoutSeconds 1 to 29, as in API Gateway.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
