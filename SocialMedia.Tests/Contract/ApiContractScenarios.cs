using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using SocialMedia.Tests.Infrastructure;
using SocialMedia.Tests.Lambda.Support;

namespace SocialMedia.Tests.Contract;

/// <summary>
/// The contract's scenarios, written once and run against every host the API ships on: Kestrel
/// (<see cref="KestrelContractTests"/>), and Lambda behind REST API (payload 1.0) and HTTP API
/// (payload 2.0) events (<see cref="LambdaContractScenarios"/>): HttpClient → API Gateway event →
/// Runtime API emulator → the API process in Lambda mode → back.
/// </summary>
public abstract class ApiContractScenarios
{
    private static readonly byte[] s_png = Convert.FromBase64String(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==");

    /// <summary>A client of the API on this host, signed in with <paramref name="token"/> when there is one.</summary>
    protected abstract HttpClient Client(string? token = null);

    /// <summary>What the host would show of a failed request, for an assertion's message.</summary>
    protected virtual string Diagnostics(HttpClient client) => "";

    protected async Task<TestUser> RegisterAsync()
    {
        var username = "c_" + Guid.NewGuid().ToString("N")[..16];
        var email = $"{username}@example.com";
        using var client = Client();
        using var response = await client.PostAsJsonAsync("/api/v1/auth/register", new { email, password = ApiClientExtensions.Password, username });
        var body = await response.ReadJsonAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{(int)response.StatusCode} {response.ReasonPhrase} {body} {Diagnostics(client)}");
        return new TestUser(body.GetProperty("user").GetProperty("id").GetGuid(), username, email, ApiClientExtensions.Password, body.GetProperty("token").GetString()!);
    }

    [Fact]
    public async Task Register_login_me_and_logout_revoke_the_token_at_once()
    {
        var user = await RegisterAsync();
        using var anonymous = Client();
        using var login = await anonymous.PostAsJsonAsync("/api/v1/auth/login", new { email = user.Email.ToUpperInvariant(), password = user.Password });
        var token = (await login.ReadJsonAsync()).GetProperty("token").GetString()!;
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);

        using var client = Client(token);
        var me = await client.GetJsonAsync("/api/v1/auth/me");
        Assert.Equal(user.Email, me.GetProperty("email").GetString());
        Assert.Matches(ApiClientExtensions.TimestampPattern(), me.GetProperty("updated_at").GetString()!);

        using (var wrong = await anonymous.PostAsJsonAsync("/api/v1/auth/login", new { email = user.Email, password = "wrong password" }))
        {
            await wrong.AssertProblemAsync(HttpStatusCode.Unauthorized);
        }

        using (var logout = await client.DeleteAsync("/api/v1/auth/logout"))
        {
            Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
        }

        using var revoked = await client.GetAsync("/api/v1/auth/me");
        await revoked.AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Contains("invalid_token", revoked.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);

        using var other = Client(user.Token);
        await other.GetJsonAsync("/api/v1/auth/me");
    }

    [Fact]
    public async Task Posts_are_created_read_edited_and_deleted_by_their_author_only()
    {
        var author = await RegisterAsync();
        var stranger = await RegisterAsync();
        using var client = Client(author.Token);
        using var created = await client.PostAsJsonAsync("/api/v1/posts", new { content = "héllo 👋 from Lambda" });
        var post = await created.ReadJsonAsync();
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = post.GetProperty("id").GetString()!;
        // No stage in links: the client adds its own base URL (#630, #632).
        Assert.Equal($"/api/v1/posts/{id}", created.Headers.Location?.OriginalString);
        Assert.Equal("héllo 👋 from Lambda", post.GetProperty("content").GetString());
        Assert.Equal(author.Username, post.GetProperty("author").GetProperty("username").GetString());

        using var anonymous = Client();
        var fetched = await anonymous.GetJsonAsync($"/api/v1/posts/{id}");
        Assert.False(fetched.GetProperty("liked_by_me").GetBoolean());

        using var other = Client(stranger.Token);
        using (var forbidden = await other.PutAsJsonAsync($"/api/v1/posts/{id}", new { content = "mine now" }))
        {
            await forbidden.AssertProblemAsync(HttpStatusCode.Forbidden);
        }

        using (var invalid = await client.PutAsJsonAsync($"/api/v1/posts/{id}", new { content = "   " }))
        {
            Assert.Equal(["content"], (await invalid.AssertProblemAsync(HttpStatusCode.UnprocessableEntity)).ErrorFields());
        }

        using (var edited = await client.PutAsJsonAsync($"/api/v1/posts/{id}", new { content = "edited" }))
        {
            Assert.Equal("edited", (await edited.ReadJsonAsync()).GetProperty("content").GetString());
        }

        using (var notYours = await other.DeleteAsync($"/api/v1/posts/{id}"))
        {
            await notYours.AssertProblemAsync(HttpStatusCode.Forbidden);
        }

        using (var deleted = await client.DeleteAsync($"/api/v1/posts/{id}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }

        using var gone = await anonymous.GetAsync($"/api/v1/posts/{id}");
        await gone.AssertProblemAsync(HttpStatusCode.NotFound);
        using var malformed = await anonymous.GetAsync("/api/v1/posts/not-a-uuid");
        await malformed.AssertProblemAsync(HttpStatusCode.NotFound);
        using var unauthenticated = await anonymous.PostAsJsonAsync("/api/v1/posts", new { content = "x" });
        await unauthenticated.AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task An_image_uploaded_to_s3_through_the_presigned_url_can_be_posted()
    {
        var user = await RegisterAsync();
        using var client = Client(user.Token);
        using var ticketResponse = await client.PostAsJsonAsync("/api/v1/posts/upload-url", new { content_type = "image/png", content_length = s_png.Length });
        var ticket = await ticketResponse.ReadJsonAsync();
        Assert.Equal(HttpStatusCode.Created, ticketResponse.StatusCode);

        using (var browser = new HttpClient())
        using (var content = new ByteArrayContent(s_png))
        {
            content.Headers.ContentType = new MediaTypeHeaderValue("image/png");
            using var put = await browser.PutAsync(ticket.GetProperty("upload_url").GetString(), content);
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        }

        var key = ticket.GetProperty("image_key").GetString()!;
        var post = await client.CreatePostAsync("with a picture", key);
        Assert.Equal(key, post.GetProperty("image_key").GetString());
        var url = post.GetProperty("image_url").GetString()!;
        Assert.EndsWith(key, url, StringComparison.Ordinal);

        using (var s3 = new HttpClient())
        {
            Assert.Equal(s_png, await s3.GetByteArrayAsync(url));
        }

        using var bogus = await client.PostAsJsonAsync("/api/v1/posts", new { content = "x", image_key = $"posts/{user.Id}/{Guid.NewGuid()}.png" });
        Assert.Equal(["image_key"], (await bogus.AssertProblemAsync(HttpStatusCode.UnprocessableEntity)).ErrorFields());
    }

    [Fact]
    public async Task Liking_twice_counts_once_and_likes_are_listed()
    {
        var author = await RegisterAsync();
        var fan = await RegisterAsync();
        using var authorClient = Client(author.Token);
        var id = (await authorClient.CreatePostAsync("like me")).GetProperty("id").GetString()!;

        using var fanClient = Client(fan.Token);
        using (var first = await fanClient.PostAsync($"/api/v1/posts/{id}/likes", null))
        {
            Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        }

        using (var again = await fanClient.PostAsync($"/api/v1/posts/{id}/likes", null))
        {
            Assert.Equal(HttpStatusCode.OK, again.StatusCode);
            Assert.Equal(1, (await again.ReadJsonAsync()).GetProperty("likes_count").GetInt32());
        }

        var likes = await Client().GetJsonAsync($"/api/v1/posts/{id}/likes");
        Assert.Equal(fan.Username, likes.GetProperty("data")[0].GetProperty("user").GetProperty("username").GetString());
        Assert.True((await fanClient.GetJsonAsync($"/api/v1/posts/{id}")).GetProperty("liked_by_me").GetBoolean());

        using (var unlike = await fanClient.DeleteAsync($"/api/v1/posts/{id}/likes"))
        {
            var body = await unlike.ReadJsonAsync();
            Assert.False(body.GetProperty("liked").GetBoolean());
            Assert.Equal(0, body.GetProperty("likes_count").GetInt32());
        }

        using var missing = await fanClient.PostAsync($"/api/v1/posts/{Guid.NewGuid()}/likes", null);
        await missing.AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Comments_are_listed_oldest_first_and_deleted_by_their_author_only()
    {
        var author = await RegisterAsync();
        var commenter = await RegisterAsync();
        using var authorClient = Client(author.Token);
        var postId = (await authorClient.CreatePostAsync("discuss")).GetProperty("id").GetString()!;

        using var commenterClient = Client(commenter.Token);
        var ids = new List<string>();
        foreach (var text in new[] { "first", "second" })
        {
            using var created = await commenterClient.PostAsJsonAsync($"/api/v1/posts/{postId}/comments", new { content = text });
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            ids.Add((await created.ReadJsonAsync()).GetProperty("id").GetString()!);
        }

        var page = await Client().GetJsonAsync($"/api/v1/posts/{postId}/comments");
        Assert.Equal(["first", "second"], page.GetProperty("data").EnumerateArray().Select(c => c.GetProperty("content").GetString()!).ToArray());
        Assert.Equal(2, (await Client().GetJsonAsync($"/api/v1/posts/{postId}")).GetProperty("comments_count").GetInt32());

        using (var empty = await commenterClient.PostAsJsonAsync($"/api/v1/posts/{postId}/comments", new { content = "" }))
        {
            await empty.AssertProblemAsync(HttpStatusCode.UnprocessableEntity);
        }

        using (var notYours = await authorClient.DeleteAsync($"/api/v1/comments/{ids[0]}"))
        {
            await notYours.AssertProblemAsync(HttpStatusCode.Forbidden);
        }

        using (var deleted = await commenterClient.DeleteAsync($"/api/v1/comments/{ids[0]}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }

        using var missingPost = await Client().GetAsync($"/api/v1/posts/{Guid.NewGuid()}/comments");
        await missingPost.AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task The_timeline_pages_through_an_authors_posts_newest_first()
    {
        var author = await RegisterAsync();
        using var client = Client(author.Token);
        var created = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            // One post per millisecond: same-millisecond posts are ordered by their random-tailed ids.
            await Task.Delay(5);
            created.Add((await client.CreatePostAsync($"post {i}")).GetProperty("id").GetString()!);
        }

        var seen = new List<string>();
        string? cursor = null;
        do
        {
            // The cursor is base64url: its '-' and '_' must survive the event's query handling.
            var url = $"/api/v1/posts?author_id={author.Id}&limit=2" + (cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor));
            var page = await Client().GetJsonAsync(url);
            seen.AddRange(page.GetProperty("data").EnumerateArray().Select(p => p.GetProperty("id").GetString()!));
            cursor = page.GetProperty("next_cursor").GetString();
        }
        while (cursor is not null);

        created.Reverse();
        Assert.Equal(created, seen);

        using var badLimit = await Client().GetAsync("/api/v1/posts?limit=0&cursor=%2B%2B");
        Assert.Equal(["cursor", "limit"], (await badLimit.AssertProblemAsync(HttpStatusCode.UnprocessableEntity)).ErrorFields());
    }

    [Theory]
    [InlineData("{\"content\": ", "application/json", HttpStatusCode.BadRequest)]
    [InlineData("{\"content\": 42}", "application/json", HttpStatusCode.BadRequest)]
    [InlineData("content=hi", "application/x-www-form-urlencoded", HttpStatusCode.UnsupportedMediaType)]
    public async Task Unreadable_bodies_are_problem_responses(string body, string contentType, HttpStatusCode status)
    {
        var user = await RegisterAsync();
        using var client = Client(user.Token);
        using var content = new StringContent(body, Encoding.UTF8, contentType);
        using var response = await client.PostAsync("/api/v1/posts", content);
        await response.AssertProblemAsync(status);
    }

    [Fact]
    public async Task A_body_over_64_KiB_is_a_413_and_no_post_is_written()
    {
        var user = await RegisterAsync();
        using var client = Client(user.Token);
        var json = JsonSerializer.Serialize(new { content = new string('a', 70_000) });
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        using var response = await client.PostAsync("/api/v1/posts", content);
        await response.AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge);
        var mine = await Client().GetJsonAsync($"/api/v1/posts?author_id={user.Id}");
        Assert.Equal(0, mine.GetProperty("data").GetArrayLength());
    }

    [Theory]
    [InlineData("GET", "/api/v1/nothing-here", HttpStatusCode.NotFound, null)]
    [InlineData("GET", "/dev/api/v1/posts", HttpStatusCode.NotFound, null)]
    [InlineData("PATCH", "/api/v1/posts", HttpStatusCode.MethodNotAllowed, "GET, POST")]
    [InlineData("GET", "/api/v1/auth/logout", HttpStatusCode.MethodNotAllowed, "DELETE")]
    public async Task Unknown_routes_are_404s_and_wrong_methods_405s_with_allow(string method, string path, HttpStatusCode status, string? allow)
    {
        using var client = Client();
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        using var response = await client.SendAsync(request);
        await response.AssertProblemAsync(status);
        if (allow is not null)
        {
            Assert.Equal(allow, string.Join(", ", response.Content.Headers.Allow.Concat(response.Headers.TryGetValues("Allow", out var a) ? a : [])));
        }
    }

    [Fact]
    public async Task Health_and_alive_answer()
    {
        using var client = Client();
        using var health = await client.GetAsync("/health");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        using var alive = await client.GetAsync("/alive");
        Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
    }
}

/// <summary>The scenarios against the API on Kestrel (in the test process, or the published build's own process).</summary>
public sealed class KestrelContractTests(ApiFactory api) : ApiContractScenarios, IClassFixture<ApiFactory>
{
    protected override HttpClient Client(string? token = null) => token is null ? api.CreateClient() : api.CreateClientWithToken(token);
}

/// <summary>The scenarios through Lambda, plus what only the gateway's event carries.</summary>
public abstract class LambdaContractScenarios(LambdaFunctionFixture function, PayloadVersion version) : ApiContractScenarios
{
    private readonly Dictionary<HttpClient, ApiGatewayClientHandler> _gateways = [];

    protected override HttpClient Client(string? token = null)
    {
        var client = function.CreateClient(version, out var gateway, token);
        _gateways[client] = gateway;
        return client;
    }

    protected override string Diagnostics(HttpClient client) => _gateways.TryGetValue(client, out var gateway) ? $"{gateway.LastEvent}" : "";

    [Fact]
    public async Task Failed_logins_are_limited_per_caller_address_from_the_event()
    {
        var user = await RegisterAsync();
        var address = $"198.51.100.{Random.Shared.Next(1, 255)}";
        using var attacker = function.CreateClient(version, out var gateway);
        gateway.SourceIp = address;
        HttpStatusCode last = default;
        for (var i = 0; i < 11 && last != HttpStatusCode.TooManyRequests; i++)
        {
            using var attempt = await attacker.PostAsJsonAsync("/api/v1/auth/login", new { email = user.Email, password = "not the password" });
            last = attempt.StatusCode;
            if (last == HttpStatusCode.TooManyRequests)
            {
                Assert.NotNull(attempt.Headers.RetryAfter);
            }
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, last);

        using var someoneElse = function.CreateClient(version, out var otherGateway);
        otherGateway.SourceIp = "2001:db8::7";
        using var login = await someoneElse.PostAsJsonAsync("/api/v1/auth/login", new { email = user.Email, password = user.Password });
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
    }
}

public sealed class RestApiLambdaTests(LambdaFunctionFixture function) : LambdaContractScenarios(function, PayloadVersion.RestV1), IClassFixture<LambdaFunctionFixture>;

public sealed class HttpApiLambdaTests(LambdaFunctionFixture function) : LambdaContractScenarios(function, PayloadVersion.HttpV2), IClassFixture<LambdaFunctionFixture>;
