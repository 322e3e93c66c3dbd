using System.Globalization;
using System.Net;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using SocialMedia.Api.Common;

namespace SocialMedia.Api.Features.Auth;

public sealed class RateLimitOptions
{
    public const string SectionName = "RateLimits";

    /// <summary>Failed logins per client address per minute.</summary>
    public int LoginFailuresPerMinute { get; set; } = 10;

    /// <summary>Registrations per client address per hour; 0 turns the limit off.</summary>
    public int RegistrationsPerHour { get; set; } = 20;
}

internal static class ClientAddress
{
    // Behind API Gateway the Lambda host sets RemoteIpAddress from the event's sourceIp.
    public static string Of(HttpContext context) => context.Connection.RemoteIpAddress?.ToString() ?? IPAddress.None.ToString();
}

/// <summary>
/// Counts only failed logins, per client address: a user who types the password right is never
/// slowed down by the limit, a guesser is stopped after N misses a minute.
/// </summary>
public sealed class LoginThrottle : IDisposable
{
    private readonly PartitionedRateLimiter<string> _failures;

    public LoginThrottle(IOptions<RateLimitOptions> options)
    {
        var perMinute = options.Value.LoginFailuresPerMinute;
        _failures = PartitionedRateLimiter.Create<string, string>(address =>
            perMinute <= 0
                ? RateLimitPartition.GetNoLimiter(address)
                : RateLimitPartition.GetFixedWindowLimiter(address, _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = perMinute,
                    Window = TimeSpan.FromMinutes(1),
                    QueueLimit = 0,
                    AutoReplenishment = true,
                }));
    }

    /// <summary>Null when the address may try; otherwise how long it must wait.</summary>
    public TimeSpan? RetryAfter(string address)
    {
        // Asking for zero permits checks the window without spending anything.
        using var lease = _failures.AttemptAcquire(address, 0);
        return lease.IsAcquired ? null : RetryAfterOf(lease);
    }

    public void RecordFailure(string address)
    {
        using var _ = _failures.AttemptAcquire(address, 1);
    }

    internal static TimeSpan RetryAfterOf(RateLimitLease lease) =>
        lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) && retryAfter > TimeSpan.Zero ? retryAfter : TimeSpan.FromSeconds(1);

    public void Dispose() => _failures.Dispose();
}

internal static class RateLimiting
{
    public const string Registration = "registration";

    public static IServiceCollection AddApiRateLimiting(this IServiceCollection services)
    {
        services.AddSingleton<LoginThrottle>();
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<RateLimitOptions>>((limiter, limits) =>
        {
            var perHour = limits.Value.RegistrationsPerHour;
            limiter.AddPolicy(Registration, context => perHour <= 0
                ? RateLimitPartition.GetNoLimiter(ClientAddress.Of(context))
                : RateLimitPartition.GetFixedWindowLimiter(ClientAddress.Of(context), _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = perHour,
                    Window = TimeSpan.FromHours(1),
                    QueueLimit = 0,
                }));
            limiter.OnRejected = (rejected, cancellationToken) =>
            {
                var retryAfter = LoginThrottle.RetryAfterOf(rejected.Lease);
                return WriteTooManyRequestsAsync(rejected.HttpContext, retryAfter, "Too many registrations from this address.");
            };
        });
        return services;
    }

    public static void SetRetryAfter(HttpResponse response, TimeSpan retryAfter) =>
        response.Headers.RetryAfter = Math.Ceiling(retryAfter.TotalSeconds).ToString(CultureInfo.InvariantCulture);

    private static ValueTask WriteTooManyRequestsAsync(HttpContext context, TimeSpan retryAfter, string detail)
    {
        context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        SetRetryAfter(context.Response, retryAfter);
        var problems = context.RequestServices.GetRequiredService<IProblemDetailsService>();
        return problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = { Status = StatusCodes.Status429TooManyRequests, Detail = detail },
        });
    }
}
