using Microsoft.Extensions.Options;

namespace SocialMedia.Api.Features.Auth;

/// <summary>
/// The limits on what an attacker could repeat cheaply: guessing passwords, creating accounts. Each
/// counts in PostgreSQL, so every instance (every Lambda sandbox) sees one count. 0 turns a limit off.
/// </summary>
public sealed class RateLimitOptions
{
    public const string SectionName = "RateLimits";

    /// <summary>Failed logins per client address per minute.</summary>
    public int LoginFailuresPerMinute { get; set; } = 10;

    /// <summary>
    /// Failed logins per account per hour, from whatever addresses: a guesser spreading over many
    /// addresses still gets few tries at one password.
    /// </summary>
    public int LoginFailuresPerAccountPerHour { get; set; } = 30;

    /// <summary>Registrations per client address per hour.</summary>
    public int RegistrationsPerHour { get; set; } = 20;
}

internal sealed class RateLimitOptionsValidator : IValidateOptions<RateLimitOptions>
{
    public ValidateOptionsResult Validate(string? name, RateLimitOptions options)
    {
        var failures = new List<string>();
        Check(options.LoginFailuresPerMinute, nameof(options.LoginFailuresPerMinute));
        Check(options.LoginFailuresPerAccountPerHour, nameof(options.LoginFailuresPerAccountPerHour));
        Check(options.RegistrationsPerHour, nameof(options.RegistrationsPerHour));
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);

        void Check(int value, string key)
        {
            if (value < 0)
            {
                failures.Add($"{RateLimitOptions.SectionName}:{key} must be 0 (no limit) or more.");
            }
        }
    }
}
