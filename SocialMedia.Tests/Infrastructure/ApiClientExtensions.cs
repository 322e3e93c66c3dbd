using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace SocialMedia.Tests.Infrastructure;

public sealed record TestUser(Guid Id, string Username, string Email, string Password, string Token);

/// <summary>
/// What a frontend does, in a few words. Responses are read as raw JSON so the tests check the
/// wire format (snake_case names, formats) rather than our own C# types.
/// </summary>
public static partial class ApiClientExtensions
{
    public const string Password = "correct horse battery";

    public static HttpClient CreateClientWithToken(this ApiFactory factory, string token)
    {
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    public static async Task<TestUser> RegisterAsync(this ApiFactory factory, string? username = null)
    {
        using var client = factory.CreateClient();
        return await client.RegisterAsync(username);
    }

    /// <summary>Registers a new account through <paramref name="client"/>, wherever it points (an API, a gateway).</summary>
    public static async Task<TestUser> RegisterAsync(this HttpClient client, string? username = null)
    {
        username ??= "u_" + Guid.NewGuid().ToString("N")[..16];
        var email = $"{username}@example.com";
        using var response = await client.PostAsJsonAsync("/api/v1/auth/register", new { email, password = Password, username });
        var body = await response.ReadJsonAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, body.ToString());
        return new TestUser(body.GetProperty("user").GetProperty("id").GetGuid(), username, email, Password, body.GetProperty("token").GetString()!);
    }

    /// <summary>Registers <paramref name="attempts"/> accounts under one username at once, each with its own email; returns their statuses.</summary>
    public static Task<HttpStatusCode[]> RegisterConcurrentlyAsync(this ApiFactory factory, string username, int attempts = 8) =>
        Task.WhenAll(Enumerable.Range(0, attempts).Select(async i =>
        {
            using var client = factory.CreateClient();
            using var response = await client.PostAsJsonAsync("/api/v1/auth/register", new { email = $"{username}{i}@example.com", password = Password, username });
            return response.StatusCode;
        }));

    public static async Task<JsonElement> CreatePostAsync(this HttpClient client, string content = "hello", string? imageKey = null)
    {
        using var response = await client.PostAsJsonAsync("/api/v1/posts", new { content, image_key = imageKey });
        var body = await response.ReadJsonAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, body.ToString());
        return body;
    }

    public static async Task<JsonElement> ReadJsonAsync(this HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    public static async Task<JsonElement> GetJsonAsync(this HttpClient client, string url, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var response = await client.GetAsync(url);
        var body = await response.ReadJsonAsync();
        Assert.True(response.StatusCode == expected, $"{url}: {(int)response.StatusCode} {body}");
        return body;
    }

    /// <summary>Asserts an RFC 9457 problem response with the contract's fields, and returns its body.</summary>
    public static async Task<JsonElement> AssertProblemAsync(this HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.ReadJsonAsync();
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal((int)status, body.GetProperty("status").GetInt32());
        Assert.StartsWith("https://social-media-api.dev/problems/", body.GetProperty("type").GetString());
        Assert.False(string.IsNullOrEmpty(body.GetProperty("title").GetString()));
        Assert.Matches(TraceIdPattern(), body.GetProperty("trace_id").GetString()!);
        Assert.Equal(status == HttpStatusCode.UnprocessableEntity || status == HttpStatusCode.Conflict, body.TryGetProperty("errors", out _));
        var text = body.ToString();
        Assert.DoesNotContain("Exception", text, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", text, StringComparison.Ordinal);
        return body;
    }

    public static string[] ErrorFields(this JsonElement problem) =>
        problem.GetProperty("errors").EnumerateObject().Select(p => p.Name).Order().ToArray();

    [GeneratedRegex("^[0-9a-f]{32}$")]
    private static partial Regex TraceIdPattern();

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")]
    public static partial Regex TimestampPattern();
}
