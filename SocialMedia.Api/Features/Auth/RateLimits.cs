using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Npgsql;
using SocialMedia.Api.Database;

namespace SocialMedia.Api.Features.Auth;

/// <summary>
/// One permit to take from a fixed-window counter of <c>rate_limit_counters</c>: its key, the
/// limit (0: none, and no row is written) and when a window opened now would end.
/// </summary>
internal readonly record struct Permit(string Key, int Limit, DateTime WindowEndsIfNew);

/// <summary>
/// Turns <see cref="RateLimitOptions"/> into the permits the Auth store takes inside its own
/// statements. A permit is taken before the password is checked, so parallel guesses cannot all
/// pass a check made before any of them was counted; a login that succeeds gives its permits back.
/// </summary>
internal sealed class RateLimits(IOptions<RateLimitOptions> options)
{
    private readonly RateLimitOptions _limits = options.Value;

    public bool LoginLimited => _limits.LoginFailuresPerMinute > 0 || _limits.LoginFailuresPerAccountPerHour > 0;

    public Permit LoginByAddress(string address, DateTime now) =>
        new("login-address:" + address, _limits.LoginFailuresPerMinute, now.AddMinutes(1));

    /// <summary>The account's key is completed in SQL, from the email lowercased where every comparison lowercases it.</summary>
    public Permit LoginByAccount(DateTime now) =>
        new("login-account:", _limits.LoginFailuresPerAccountPerHour, now.AddHours(1));

    public Permit Registration(string address, DateTime now) =>
        new("register-address:" + address, _limits.RegistrationsPerHour, now.AddHours(1));

    /// <summary>
    /// 429 with Retry-After: the seconds until the window that refused ends, at least one. Counted
    /// from the answer, not from the request's start: another instance may have opened the window
    /// after this request read the clock, and the wait would then exceed the window itself.
    /// </summary>
    public static ProblemHttpResult TooMany(HttpContext context, DateTime refusedUntil, TimeProvider clock, string detail)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling((refusedUntil - clock.GetUtcNow().UtcDateTime).TotalSeconds));
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        return TypedResults.Problem(statusCode: StatusCodes.Status429TooManyRequests, detail: detail);
    }
}

internal static class PermitParameters
{
    /// <summary>A permit's key, limit and window end, in that order.</summary>
    public static void AddPermit(this NpgsqlParameterCollection parameters, Permit permit)
    {
        parameters.AddText(permit.Key);
        parameters.AddInteger(permit.Limit);
        parameters.AddTime(permit.WindowEndsIfNew);
    }
}
