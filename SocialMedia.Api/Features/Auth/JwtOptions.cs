using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace SocialMedia.Api.Features.Auth;

public sealed class JwtOptions
{
    public const string SectionName = "Jwt";
    public const int MinSecretBytes = 32;

    public string Secret { get; set; } = "";
    public string Issuer { get; set; } = "social-media-api";
    public string Audience { get; set; } = "social-media-api";
    public int LifetimeHours { get; set; } = 24;
}

/// <summary>
/// Development may run without a secret (a random one per process, so tokens die with it);
/// anywhere else a missing or short key stops the start: better no service than forgeable tokens.
/// </summary>
internal sealed class JwtOptionsSetup(IHostEnvironment environment, ILogger<JwtOptionsSetup> logger)
    : IPostConfigureOptions<JwtOptions>, IValidateOptions<JwtOptions>
{
    public void PostConfigure(string? name, JwtOptions options)
    {
        if (string.IsNullOrEmpty(options.Secret) && environment.IsDevelopment())
        {
            options.Secret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(48));
            logger.LogWarning("Jwt:Secret is not set; using a random key for this process (Development only). Tokens will not survive a restart.");
        }
    }

    public ValidateOptionsResult Validate(string? name, JwtOptions options)
    {
        var failures = new List<string>();
        if (Encoding.UTF8.GetByteCount(options.Secret) < JwtOptions.MinSecretBytes)
        {
            failures.Add($"Jwt:Secret must be set to at least {JwtOptions.MinSecretBytes} bytes (environment variable Jwt__Secret).");
        }

        if (string.IsNullOrWhiteSpace(options.Issuer) || string.IsNullOrWhiteSpace(options.Audience))
        {
            failures.Add("Jwt:Issuer and Jwt:Audience must not be empty.");
        }

        if (options.LifetimeHours is < 1 or > 24 * 30)
        {
            failures.Add("Jwt:LifetimeHours must be between 1 and 720.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
