using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using SocialMedia.Tests.Infrastructure;

namespace SocialMedia.Tests.Api;

public sealed class AuthTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task Registering_returns_a_token_and_the_callers_own_account()
    {
        using var client = factory.CreateClient();
        var username = "Alice_" + Guid.NewGuid().ToString("N")[..8];
        using var response = await client.PostAsJsonAsync("/api/v1/auth/register", new { email = $"{username}@Example.com", password = "s3cret-pass", username, bio = "hi" });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var body = await response.ReadJsonAsync();
        Assert.Equal("Bearer", body.GetProperty("token_type").GetString());
        Assert.Equal(3, body.GetProperty("token").GetString()!.Split('.').Length);
        var expiresAt = DateTime.Parse(body.GetProperty("expires_at").GetString()!, null, System.Globalization.DateTimeStyles.AdjustToUniversal);
        Assert.InRange(expiresAt - DateTime.UtcNow, TimeSpan.FromHours(23.9), TimeSpan.FromHours(24.1));
        Assert.Matches(ApiClientExtensions.TimestampPattern(), body.GetProperty("expires_at").GetString()!);

        var user = body.GetProperty("user");
        Assert.Equal(["avatar_url", "bio", "created_at", "email", "id", "updated_at", "username"], user.EnumerateObject().Select(p => p.Name).Order().ToArray());
        Assert.Equal(username, user.GetProperty("username").GetString());
        Assert.Equal($"{username}@Example.com", user.GetProperty("email").GetString());
        Assert.Equal("hi", user.GetProperty("bio").GetString());
        Assert.Equal(7, Guid.Parse(user.GetProperty("id").GetString()!).Version);
        Assert.Matches(ApiClientExtensions.TimestampPattern(), user.GetProperty("created_at").GetString()!);
        Assert.DoesNotContain("password", body.ToString(), StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("""{"email":"not-an-email","password":"long enough","username":"valid_name"}""", "email")]
    [InlineData("""{"email":"a@b.co","password":"short","username":"valid_name"}""", "password")]
    [InlineData("""{"email":"a@b.co","password":"long enough","username":"no spaces"}""", "username")]
    [InlineData("""{"email":"a@b.co","password":"long enough","username":"ab"}""", "username")]
    [InlineData("""{"password":"long enough","username":"valid_name"}""", "email")]
    public async Task Registering_with_an_invalid_field_is_a_422_naming_it(string json, string field)
    {
        using var client = factory.CreateClient();
        using var response = await client.PostAsync("/api/v1/auth/register", new StringContent(json, Encoding.UTF8, "application/json"));
        var problem = await response.AssertProblemAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Equal([field], problem.ErrorFields());
    }

    [Fact]
    public async Task A_password_longer_than_bcrypts_72_bytes_and_a_long_bio_are_refused()
    {
        using var client = factory.CreateClient();
        using var response = await client.PostAsJsonAsync("/api/v1/auth/register", new
        {
            email = "long@example.com",
            password = new string('é', 37), // 74 bytes of UTF-8, 37 characters
            username = "long_one",
            bio = new string('x', 501),
        });
        var problem = await response.AssertProblemAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Equal(["bio", "password"], problem.ErrorFields());
    }

    [Fact]
    public async Task Email_and_username_are_unique_whatever_their_case()
    {
        var existing = await factory.RegisterAsync();
        using var client = factory.CreateClient();

        using var sameEmail = await client.PostAsJsonAsync("/api/v1/auth/register", new { email = existing.Email.ToUpperInvariant(), password = "long enough", username = "other_" + Guid.NewGuid().ToString("N")[..8] });
        Assert.Equal(["email"], (await sameEmail.AssertProblemAsync(HttpStatusCode.Conflict)).ErrorFields());

        using var sameName = await client.PostAsJsonAsync("/api/v1/auth/register", new { email = $"x{Guid.NewGuid():N}@example.com", password = "long enough", username = existing.Username.ToUpperInvariant() });
        Assert.Equal(["username"], (await sameName.AssertProblemAsync(HttpStatusCode.Conflict)).ErrorFields());
    }

    [Fact]
    public async Task Concurrent_registrations_of_one_name_create_exactly_one_account()
    {
        var username = "race_" + Guid.NewGuid().ToString("N")[..8];
        var statuses = await factory.RegisterConcurrentlyAsync(username);

        Assert.Single(statuses, s => s == HttpStatusCode.Created);
        Assert.All(statuses.Where(s => s != HttpStatusCode.Created), s => Assert.Equal(HttpStatusCode.Conflict, s));
    }

    [Fact]
    public async Task Answers_carrying_a_token_are_never_cached_and_a_refused_token_is_not_explained()
    {
        var user = await factory.RegisterAsync();
        using var client = factory.CreateClient();
        var name = $"n{Guid.NewGuid():N}"[..20];
        using var registered = await client.PostAsJsonAsync("/api/v1/auth/register", new { email = $"{name}@example.com", password = "password123", username = name });
        using var loggedIn = await client.PostAsJsonAsync("/api/v1/auth/login", new { email = user.Email, password = user.Password });
        foreach (var response in new[] { registered, loggedIn })
        {
            Assert.True(response.IsSuccessStatusCode);
            Assert.True(response.Headers.CacheControl?.NoStore, "Cache-Control: no-store");
        }

        // A forged signature: the challenge says Bearer, not why the token failed.
        var parts = user.Token.Split('.');
        using var forged = factory.CreateClientWithToken($"{parts[0]}.{parts[1]}.{parts[2][..^4]}AAAA");
        using var refused = await forged.GetAsync("/api/v1/auth/me");
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        var challenge = Assert.Single(refused.Headers.WwwAuthenticate);
        Assert.Equal("Bearer", challenge.Scheme);
        Assert.DoesNotContain("error_description", challenge.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("signature", challenge.ToString(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Login_accepts_the_email_in_any_case_and_returns_a_working_token()
    {
        var user = await factory.RegisterAsync();
        using var client = factory.CreateClient();
        using var response = await client.PostAsJsonAsync("/api/v1/auth/login", new { email = user.Email.ToUpperInvariant(), password = user.Password });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.ReadJsonAsync();
        Assert.Equal(user.Id, body.GetProperty("user").GetProperty("id").GetGuid());
        using var authed = factory.CreateClientWithToken(body.GetProperty("token").GetString()!);
        var me = await authed.GetJsonAsync("/api/v1/auth/me");
        Assert.Equal(user.Username, me.GetProperty("username").GetString());
    }

    [Fact]
    public async Task A_wrong_password_and_an_unknown_email_fail_alike()
    {
        var user = await factory.RegisterAsync();
        using var client = factory.CreateClient();

        using var wrongPassword = await client.PostAsJsonAsync("/api/v1/auth/login", new { email = user.Email, password = "not the password" });
        using var unknownEmail = await client.PostAsJsonAsync("/api/v1/auth/login", new { email = "nobody-" + user.Email, password = user.Password });

        var first = await wrongPassword.AssertProblemAsync(HttpStatusCode.Unauthorized);
        var second = await unknownEmail.AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal(first.GetProperty("detail").GetString(), second.GetProperty("detail").GetString());
        Assert.Equal(first.GetProperty("type").GetString(), second.GetProperty("type").GetString());
    }

    [Fact]
    public async Task Me_returns_the_callers_account_with_email_and_updated_at()
    {
        var user = await factory.RegisterAsync();
        using var client = factory.CreateClientWithToken(user.Token);
        var me = await client.GetJsonAsync("/api/v1/auth/me");
        Assert.Equal(["avatar_url", "bio", "created_at", "email", "id", "updated_at", "username"], me.EnumerateObject().Select(p => p.Name).Order().ToArray());
        Assert.Equal(user.Id, me.GetProperty("id").GetGuid());
        Assert.Equal(user.Email, me.GetProperty("email").GetString());
    }

    [Fact]
    public async Task Me_without_a_token_is_a_401_bearer_challenge()
    {
        using var client = factory.CreateClient();
        using var response = await client.GetAsync("/api/v1/auth/me");
        await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
    }

    [Fact]
    public async Task Logout_revokes_that_token_at_once_and_only_that_token()
    {
        var user = await factory.RegisterAsync();
        using var loginClient = factory.CreateClient();
        using var login = await loginClient.PostAsJsonAsync("/api/v1/auth/login", new { email = user.Email, password = user.Password });
        var secondToken = (await login.ReadJsonAsync()).GetProperty("token").GetString()!;

        using var client = factory.CreateClientWithToken(user.Token);
        using var logout = await client.DeleteAsync("/api/v1/auth/logout");
        Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);

        using var after = await client.GetAsync("/api/v1/auth/me");
        await after.AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Contains("invalid_token", after.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        using var logoutAgain = await client.DeleteAsync("/api/v1/auth/logout");
        await logoutAgain.AssertProblemAsync(HttpStatusCode.Unauthorized);

        using var other = factory.CreateClientWithToken(secondToken);
        await other.GetJsonAsync("/api/v1/auth/me");
    }

    // The API keeps what it validated (CachingTokenHandler); what it keeps must never accept a
    // token the validator itself would refuse.
    private static string SignFor(Guid userId, DateTime expires) =>
        new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = ApiFactory.JwtIssuer,
            Audience = ApiFactory.JwtAudience,
            IssuedAt = expires.AddHours(-1),
            NotBefore = expires.AddHours(-1),
            Expires = expires,
            Claims = new Dictionary<string, object> { ["sub"] = userId.ToString(), ["jti"] = Guid.NewGuid().ToString("N") },
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(ApiFactory.JwtSecret)), SecurityAlgorithms.HmacSha256),
        });

    [Fact]
    public async Task A_token_accepted_a_moment_ago_is_refused_once_it_expires()
    {
        var user = await factory.RegisterAsync();
        // Expired 27 s ago: inside the validator's 30 s of clock skew for about 3 s more.
        var expires = DateTime.UtcNow.AddSeconds(-27).TruncateToSeconds();
        using var client = factory.CreateClientWithToken(SignFor(user.Id, expires));

        await client.GetJsonAsync("/api/v1/auth/me");
        await client.GetJsonAsync("/api/v1/auth/me");

        var refusedFrom = expires.AddSeconds(30);
        await Task.Delay((refusedFrom - DateTime.UtcNow).Add(TimeSpan.FromSeconds(1.5)) is { Ticks: > 0 } wait ? wait : TimeSpan.Zero);
        using var after = await client.GetAsync("/api/v1/auth/me");
        await after.AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Contains("invalid_token", after.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_token_in_use_does_not_vouch_for_a_copy_with_another_signature()
    {
        var user = await factory.RegisterAsync();
        var token = SignFor(user.Id, DateTime.UtcNow.AddHours(1).TruncateToSeconds());
        using var genuine = factory.CreateClientWithToken(token);
        await genuine.GetJsonAsync("/api/v1/auth/me");

        var parts = token.Split('.');
        var otherSignature = Base64UrlEncoder.Encode(Enumerable.Repeat((byte)7, 32).ToArray());
        using var forged = factory.CreateClientWithToken($"{parts[0]}.{parts[1]}.{otherSignature}");
        using var response = await forged.GetAsync("/api/v1/auth/me");
        await response.AssertProblemAsync(HttpStatusCode.Unauthorized);

        await genuine.GetJsonAsync("/api/v1/auth/me");
    }

    public static TheoryData<string> ForgedTokens()
    {
        var userId = Guid.CreateVersion7().ToString();
        var now = DateTime.UtcNow;
        string Sign(string secret, string issuer = ApiFactory.JwtIssuer, string audience = ApiFactory.JwtAudience, DateTime? expires = null, string algorithm = SecurityAlgorithms.HmacSha256) =>
            new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
            {
                Issuer = issuer,
                Audience = audience,
                IssuedAt = (expires ?? now.AddHours(1)).AddHours(-2),
                NotBefore = (expires ?? now.AddHours(1)).AddHours(-2),
                Expires = expires ?? now.AddHours(1),
                Claims = new Dictionary<string, object> { ["sub"] = userId, ["jti"] = Guid.NewGuid().ToString("N") },
                SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(secret)), algorithm),
            });

        var valid = Sign(ApiFactory.JwtSecret);
        var parts = valid.Split('.');
        var payload = Base64UrlEncoder.Decode(parts[1]).Replace(userId, Guid.CreateVersion7().ToString(), StringComparison.Ordinal);
        var unsignedHeader = Base64UrlEncoder.Encode("""{"alg":"none","typ":"JWT"}""");

        return new TheoryData<string>
        {
            $"{unsignedHeader}.{parts[1]}.",                                             // alg: none
            $"{parts[0]}.{Base64UrlEncoder.Encode(payload)}.{parts[2]}",                  // payload changed after signing
            Sign("a-completely-different-secret-of-enough-length"),                       // wrong key
            Sign(ApiFactory.JwtSecret, expires: now.AddMinutes(-5)),                      // expired
            Sign(ApiFactory.JwtSecret, issuer: "someone-else"),                           // wrong issuer
            Sign(ApiFactory.JwtSecret, audience: "another-api"),                          // wrong audience
            Sign(ApiFactory.JwtSecret + ApiFactory.JwtSecret, algorithm: SecurityAlgorithms.HmacSha512), // other algorithm
            "not.a.jwt",
        };
    }

    [Theory]
    [MemberData(nameof(ForgedTokens))]
    public async Task Forged_or_expired_tokens_are_refused_as_invalid_token(string token)
    {
        using var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await client.GetAsync("/api/v1/auth/me");
        await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
        var challenge = response.Headers.WwwAuthenticate.Single();
        Assert.Equal("Bearer", challenge.Scheme);
        Assert.Contains("error=\"invalid_token\"", challenge.Parameter, StringComparison.Ordinal);
    }

    /// <summary>
    /// Operators count authorization outcomes by ASP.NET Core's own metric. The API makes the
    /// authorization services singletons (they were built by reflection on every request in the
    /// Native AOT build); the framework's implementation that records the metric must stay.
    /// </summary>
    [Fact]
    [Trait(TestHost.Trait, TestHost.InProcessOnly)]
    public async Task Authorization_outcomes_are_still_counted_in_aspnetcores_metric()
    {
        var user = await factory.RegisterAsync();
        var measurements = 0;
        using var listener = new System.Diagnostics.Metrics.MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == "Microsoft.AspNetCore.Authorization" && instrument.Name == "aspnetcore.authorization.attempts")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((_, _, _, _) => Interlocked.Increment(ref measurements));
        listener.Start();

        using var client = factory.CreateClientWithToken(user.Token);
        using var response = await client.GetAsync("/api/v1/auth/me");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(Volatile.Read(ref measurements) > 0, "no aspnetcore.authorization.attempts measurement");
    }
}

internal static class DateTimeTestExtensions
{
    public static DateTime TruncateToSeconds(this DateTime value) => new(value.Ticks - value.Ticks % TimeSpan.TicksPerSecond, value.Kind);
}
