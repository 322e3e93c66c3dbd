using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace SocialMedia.AppHost.Api;

public sealed record SeedSummary(int Users, int Posts, int ImagePosts, int Likes, int Comments)
{
    public override string ToString() =>
        $"Seeded {Users} users, {Posts} posts ({ImagePosts} with images), {Likes} likes and {Comments} comments. " +
        $"Log in as {DemoDataSeeder.EmailOf("alice")} with password \"{DemoDataSeeder.Password}\".";
}

/// <summary>
/// Fills the API with a small, lively timeline through its public HTTP endpoints, as a frontend would:
/// the same validation, counters, image checks and traces as real traffic, and no knowledge of the
/// table layout that would break with the next migration. Users are registered once (or logged into
/// when they exist); posts, likes and comments are added on every run.
/// </summary>
public sealed class DemoDataSeeder(HttpClient http)
{
    public const string Password = "demo-password";

    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    private static readonly (string Name, string Bio)[] s_users =
    [
        ("alice", "Frontend developer. Coffee first, then CSS."),
        ("bob", "Takes photos of bridges and posts them here."),
        ("carol", "Backend, databases and long walks."),
        ("dave", "Mostly here for the comments."),
    ];

    private static readonly (string Author, string Content, ((byte, byte, byte) From, (byte, byte, byte) To)? Image)[] s_posts =
    [
        ("alice", "Hello, world! First post on the new timeline 👋", null),
        ("bob", "Sunset over the river tonight.", ((255, 94, 58), (88, 24, 140))),
        ("carol", "Added an index on (created_at, id). Pagination is instant now.", null),
        ("dave", "Is it a bug or a feature? Asking for a friend.", null),
        ("alice", "Dark mode is done. Light mode next… or never.", null),
        ("bob", "Morning fog on the old bridge.", ((176, 196, 222), (47, 79, 79))),
        ("carol", "Reminder: likes_count is kept in the same transaction as the like. Always.", null),
        ("dave", "280 characters is plenty. Mostly.", null),
        ("alice", "Who else is testing uploads right now? 📷", null),
        ("carol", "Trace of one request: API span, SQL under it, S3 under it. Lovely.", null),
    ];

    private static readonly string[] s_comments =
    [
        "Love this!",
        "Totally agree.",
        "Ha, same here.",
        "Great shot 😍",
        "Tell me more.",
        "This made my day.",
    ];

    public static string EmailOf(string user) => $"{user}@example.com";

    public async Task<SeedSummary> SeedAsync(CancellationToken cancellationToken)
    {
        var tokens = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, bio) in s_users)
        {
            tokens[name] = await SignInAsync(name, bio, cancellationToken);
        }

        int posts = 0, images = 0, likes = 0, comments = 0;
        for (var i = 0; i < s_posts.Length; i++)
        {
            var (author, content, image) = s_posts[i];
            string? imageKey = null;
            if (image is { } colours)
            {
                imageKey = await UploadImageAsync(tokens[author], DemoImages.Gradient(480, 320, colours.From, colours.To), cancellationToken);
                images++;
            }

            var post = await SendAsync<IdResponse>(HttpMethod.Post, "/api/v1/posts", tokens[author], new { content, image_key = imageKey }, cancellationToken);
            posts++;

            // A varied but repeatable spread: each post gets likes and comments from some of the others.
            var others = s_users.Select(u => u.Name).Where(n => n != author).ToArray();
            for (var j = 0; j < others.Length; j++)
            {
                if ((i + j) % 3 != 2)
                {
                    await SendAsync<JsonElement>(HttpMethod.Post, $"/api/v1/posts/{post.Id}/likes", tokens[others[j]], null, cancellationToken);
                    likes++;
                }

                if ((i + j) % 4 == 0)
                {
                    var comment = s_comments[(i + j) % s_comments.Length];
                    await SendAsync<JsonElement>(HttpMethod.Post, $"/api/v1/posts/{post.Id}/comments", tokens[others[j]], new { content = comment }, cancellationToken);
                    comments++;
                }
            }
        }

        return new SeedSummary(s_users.Length, posts, images, likes, comments);
    }

    private async Task<string> SignInAsync(string name, string bio, CancellationToken cancellationToken)
    {
        var register = await http.PostAsJsonAsync("/api/v1/auth/register", new { email = EmailOf(name), password = Password, username = name, bio }, s_json, cancellationToken);
        if (register.StatusCode == HttpStatusCode.Conflict)
        {
            // Seeded before: the same account, unless someone else took the name with another password.
            var login = await http.PostAsJsonAsync("/api/v1/auth/login", new { email = EmailOf(name), password = Password }, s_json, cancellationToken);
            return (await ReadAsync<TokenResponse>(login, cancellationToken)).Token;
        }

        return (await ReadAsync<TokenResponse>(register, cancellationToken)).Token;
    }

    private async Task<string> UploadImageAsync(string token, byte[] png, CancellationToken cancellationToken)
    {
        var ticket = await SendAsync<UploadTicket>(HttpMethod.Post, "/api/v1/posts/upload-url", token, new { content_type = "image/png", content_length = png.Length }, cancellationToken);
        using var put = new HttpRequestMessage(HttpMethod.Put, ticket.UploadUrl) { Content = new ByteArrayContent(png) };
        foreach (var (header, value) in ticket.Headers)
        {
            put.Content.Headers.TryAddWithoutValidation(header, value);
        }

        using var response = await http.SendAsync(put, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"PUT to the presigned upload URL answered {(int)response.StatusCode}.");
        }

        return ticket.ImageKey;
    }

    private async Task<T> SendAsync<T>(HttpMethod method, string path, string token, object? body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body, options: s_json);
        }

        using var response = await http.SendAsync(request, cancellationToken);
        return await ReadAsync<T>(response, cancellationToken);
    }

    private static async Task<T> ReadAsync<T>(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode)
        {
            var problem = await response.Content.ReadAsStringAsync(cancellationToken);
            var hint = response.StatusCode == HttpStatusCode.TooManyRequests
                ? $" The API's rate limit was reached; try again after {response.Headers.RetryAfter?.Delta?.TotalSeconds ?? 60:0} s."
                : "";
            throw new InvalidOperationException($"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri?.AbsolutePath} answered {(int)response.StatusCode}: {problem}{hint}");
        }

        return await response.Content.ReadFromJsonAsync<T>(s_json, cancellationToken)
            ?? throw new InvalidOperationException($"{response.RequestMessage?.RequestUri?.AbsolutePath} answered an empty body.");
    }

    private sealed record TokenResponse(string Token);

    private sealed record IdResponse(Guid Id);

    private sealed record UploadTicket(string UploadUrl, Dictionary<string, string> Headers, string ImageKey);
}
