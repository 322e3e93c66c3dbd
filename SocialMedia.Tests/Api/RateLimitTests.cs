using System.Net;
using System.Net.Http.Json;
using SocialMedia.Tests.Infrastructure;

namespace SocialMedia.Tests.Api;

public sealed class RateLimitedApiFactory : ApiFactory
{
    protected override IEnumerable<KeyValuePair<string, string?>> ExtraSettings =>
    [
        new("RateLimits:LoginFailuresPerMinute", "3"),
        new("RateLimits:RegistrationsPerHour", "4"),
    ];
}

/// <summary>Its own API instance: the limits count per client address, and every test request shares one.</summary>
public sealed class RateLimitTests(RateLimitedApiFactory factory) : IClassFixture<RateLimitedApiFactory>
{
    [Fact]
    public async Task Failed_logins_are_limited_per_address_with_retry_after_and_registrations_too()
    {
        // Registrations: the fourth still passes, the fifth is refused.
        var user = await factory.RegisterAsync();
        for (var i = 0; i < 3; i++)
        {
            await factory.RegisterAsync();
        }

        using var client = factory.CreateClient();
        using var fifth = await client.PostAsJsonAsync("/api/v1/auth/register", new { email = "five@example.com", password = "long enough", username = "fifth_one" });
        await fifth.AssertProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.InRange(fifth.Headers.RetryAfter?.Delta?.TotalSeconds ?? 0, 1, 3600);

        // A correct login does not count against the limit.
        using (var ok = await client.PostAsJsonAsync("/api/v1/auth/login", new { email = user.Email, password = user.Password }))
        {
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        for (var i = 0; i < 3; i++)
        {
            using var wrong = await client.PostAsJsonAsync("/api/v1/auth/login", new { email = user.Email, password = "wrong password" });
            await wrong.AssertProblemAsync(HttpStatusCode.Unauthorized);
        }

        using var limited = await client.PostAsJsonAsync("/api/v1/auth/login", new { email = user.Email, password = user.Password });
        await limited.AssertProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.InRange(limited.Headers.RetryAfter?.Delta?.TotalSeconds ?? 0, 1, 60);
    }
}
