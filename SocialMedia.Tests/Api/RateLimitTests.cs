using System.Net;
using System.Net.Http.Json;
using Npgsql;
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

/// <summary>Its own API and database: the limits count per client address, and every test request shares one.</summary>
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

        // A correct login does not count against the limit, however often.
        for (var i = 0; i < 5; i++)
        {
            using var ok = await client.PostAsJsonAsync("/api/v1/auth/login", new { email = user.Email, password = user.Password });
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        for (var i = 0; i < 3; i++)
        {
            using var wrong = await client.PostAsJsonAsync("/api/v1/auth/login", new { email = user.Email, password = "wrong password" });
            await wrong.AssertProblemAsync(HttpStatusCode.Unauthorized);
        }

        // Now even the right password is refused: the limit decides before the password is checked.
        using var limited = await client.PostAsJsonAsync("/api/v1/auth/login", new { email = user.Email, password = user.Password });
        await limited.AssertProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.InRange(limited.Headers.RetryAfter?.Delta?.TotalSeconds ?? 0, 1, 60);
    }
}

public sealed class AccountLimitedApiFactory : ApiFactory
{
    protected override IEnumerable<KeyValuePair<string, string?>> ExtraSettings =>
    [
        new("RateLimits:LoginFailuresPerAccountPerHour", "3"),
    ];
}

/// <summary>Failed logins also count per account, whatever the address, and the email's case does not make a new account.</summary>
public sealed class AccountRateLimitTests(AccountLimitedApiFactory factory) : IClassFixture<AccountLimitedApiFactory>
{
    [Fact]
    public async Task Failed_logins_are_limited_per_account_and_other_accounts_are_not_slowed_down()
    {
        var target = await factory.RegisterAsync();
        var bystander = await factory.RegisterAsync();
        using var client = factory.CreateClient();

        string[] spellings = [target.Email, target.Email.ToUpperInvariant(), "  " + target.Email];
        foreach (var email in spellings)
        {
            using var wrong = await client.PostAsJsonAsync("/api/v1/auth/login", new { email = email.Trim(), password = "wrong password" });
            await wrong.AssertProblemAsync(HttpStatusCode.Unauthorized);
        }

        using (var limited = await client.PostAsJsonAsync("/api/v1/auth/login", new { email = target.Email, password = target.Password }))
        {
            await limited.AssertProblemAsync(HttpStatusCode.TooManyRequests);
            Assert.InRange(limited.Headers.RetryAfter?.Delta?.TotalSeconds ?? 0, 1, 3600);
        }

        using var other = await client.PostAsJsonAsync("/api/v1/auth/login", new { email = bystander.Email, password = bystander.Password });
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
    }

    [Fact]
    public async Task An_email_with_non_ascii_capitals_signs_in_as_it_was_registered()
    {
        // PostgreSQL lowercases every email comparison; .NET lowercases U+0130 differently, and
        // doing both once made such an account unable to sign in.
        var username = "dotted_" + Guid.NewGuid().ToString("N")[..8];
        var email = $"\u0130{username}@example.com";
        using var client = factory.CreateClient();
        using (var registered = await client.PostAsJsonAsync("/api/v1/auth/register", new { email, password = ApiClientExtensions.Password, username }))
        {
            Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        }

        using var login = await client.PostAsJsonAsync("/api/v1/auth/login", new { email, password = ApiClientExtensions.Password });
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);

        using var again = await client.PostAsJsonAsync("/api/v1/auth/register", new { email, password = ApiClientExtensions.Password, username = username + "2" });
        Assert.Equal(["email"], (await again.AssertProblemAsync(HttpStatusCode.Conflict)).ErrorFields());
    }
}

public sealed class SharedLimitApiFactory : ApiFactory
{
    public const int Limit = 10;

    protected override IEnumerable<KeyValuePair<string, string?>> ExtraSettings =>
    [
        new("RateLimits:LoginFailuresPerMinute", Limit.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        new("RateLimits:RegistrationsPerHour", "0"),
    ];
}

/// <summary>
/// Two instances of the API (as two Lambda sandboxes are) on one database, hit in parallel: the
/// limit holds across both, and no guess gets a verdict before it is counted.
/// </summary>
public sealed class SharedRateLimitTests(SharedLimitApiFactory factory) : IClassFixture<SharedLimitApiFactory>
{
    [Fact]
    public async Task Parallel_wrong_logins_against_two_instances_get_exactly_the_limit_of_401s()
    {
        await using var first = ApiProcess.Start(factory.ProcessEnvironment());
        await using var second = ApiProcess.Start(factory.ProcessEnvironment());
        Uri[] instances = [await first.Listening.WaitAsync(TimeSpan.FromSeconds(90)), await second.Listening.WaitAsync(TimeSpan.FromSeconds(90))];
        using var client = new HttpClient();
        using var register = await client.PostAsJsonAsync(new Uri(instances[0], "/api/v1/auth/register"), new { email = "target@example.com", password = ApiClientExtensions.Password, username = "target" });
        Assert.Equal(HttpStatusCode.Created, register.StatusCode);

        var statuses = await Task.WhenAll(Enumerable.Range(0, 60).Select(async i =>
        {
            using var response = await client.PostAsJsonAsync(new Uri(instances[i % 2], "/api/v1/auth/login"), new { email = "target@example.com", password = $"wrong guess {i}" });
            return (response.StatusCode, response.Headers.RetryAfter?.Delta);
        }));

        Assert.Equal(SharedLimitApiFactory.Limit, statuses.Count(s => s.StatusCode == HttpStatusCode.Unauthorized));
        Assert.Equal(60 - SharedLimitApiFactory.Limit, statuses.Count(s => s.StatusCode == HttpStatusCode.TooManyRequests));
        Assert.All(statuses.Where(s => s.StatusCode == HttpStatusCode.TooManyRequests), s => Assert.InRange(s.Delta?.TotalSeconds ?? 0, 1, 60));
    }

    [Fact]
    public async Task A_limit_of_zero_writes_no_counter()
    {
        // Registrations are unlimited here: however many, no row remembers an address.
        for (var i = 0; i < 5; i++)
        {
            await factory.RegisterAsync();
        }

        await using var connection = new NpgsqlConnection(factory.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM rate_limit_counters WHERE key LIKE 'register-address:%'", connection);
        Assert.Equal(0L, (long)(await command.ExecuteScalarAsync())!);
    }
}
