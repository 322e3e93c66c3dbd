using Microsoft.Extensions.Options;

namespace SocialMedia.Api.Infrastructure;

/// <summary>The browser origins allowed to call the API and to upload to its bucket (<c>Cors:AllowedOrigins</c>).</summary>
public sealed class CorsOriginsOptions
{
    public const string SectionName = "Cors";

    /// <summary>Browser origins allowed to call the API. Empty in Development means any.</summary>
    public string[] AllowedOrigins { get; set; } = [];
}

/// <summary>
/// An origin is a scheme, a host and maybe a port, nothing more: a path or a trailing slash never
/// matches the Origin header a browser sends, so such an entry would silently allow nobody.
/// </summary>
internal sealed class CorsOriginsOptionsValidator : IValidateOptions<CorsOriginsOptions>
{
    public ValidateOptionsResult Validate(string? name, CorsOriginsOptions options)
    {
        var failures = options.AllowedOrigins
            .Where(o => !string.IsNullOrWhiteSpace(o) && !IsOrigin(o))
            .Select(o => $"Cors:AllowedOrigins: '{o}' is not an origin (scheme://host[:port], no path, no trailing slash).")
            .ToList();
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static bool IsOrigin(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri)
        && uri.Scheme is "http" or "https"
        && uri.PathAndQuery == "/" && !value.EndsWith('/')
        && string.IsNullOrEmpty(uri.UserInfo);
}
