using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;
using SocialMedia.Tests.Infrastructure;

namespace SocialMedia.Tests.Api;

/// <summary>
/// The API on a PostgreSQL server and an s3rver of its own, so that a test can stop them (as a
/// crash, a restart or a failover does) without disturbing any other test.
/// </summary>
public sealed class OwnDependenciesApiFactory : ApiFactory
{
    private readonly Lazy<Task<PostgresServer>> _postgres = new(() => PostgresServer.StartAsync(survivesCrashes: true));
    private readonly Lazy<Task<S3rverServer>> _s3 = new(S3rverServer.StartAsync);

    public Task<PostgresServer> Postgres => _postgres.Value;

    protected override Task<PostgresServer> PostgresAsync() => _postgres.Value;

    protected override Task<S3rverServer> S3Async() => _s3.Value;
}

/// <summary>
/// PostgreSQL and S3 go away and come back while clients keep sending: every request is answered
/// 2xx or 503 with Retry-After (never 500), nothing acknowledged is lost, and the API recovers by
/// itself.
/// </summary>
public sealed class DependencyRestartTests(OwnDependenciesApiFactory factory) : IClassFixture<OwnDependenciesApiFactory>
{
    private static readonly byte[] s_png = Convert.FromBase64String(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==");

    private sealed record Answer(HttpStatusCode Status, TimeSpan? RetryAfter, string? MediaType, string Body);

    [Fact]
    public async Task A_database_crash_under_load_answers_503_loses_no_acknowledged_post_and_recovers()
    {
        var postgres = await factory.Postgres;
        var user = await factory.RegisterAsync();
        using var client = factory.CreateClientWithToken(user.Token);
        var acknowledged = new ConcurrentBag<(string Id, string Content)>();
        var answers = new ConcurrentBag<Answer>();
        using var stop = new CancellationTokenSource();

        async Task WriteAsync(int writer)
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                var content = $"writer {writer} post {i}";
                using var response = await client.PostAsJsonAsync("/api/v1/posts", new { content });
                var answer = await AnswerOf(response);
                answers.Add(answer);
                if (answer.Status == HttpStatusCode.Created)
                {
                    acknowledged.Add((JsonDocument.Parse(answer.Body).RootElement.GetProperty("id").GetString()!, content));
                }
            }
        }

        async Task ReadTimelineAsync()
        {
            while (!stop.IsCancellationRequested)
            {
                using var response = await client.GetAsync("/api/v1/posts?limit=20");
                answers.Add(await AnswerOf(response));
            }
        }

        var load = Enumerable.Range(0, 6).Select(WriteAsync).Concat(Enumerable.Range(0, 2).Select(_ => ReadTimelineAsync())).ToArray();
        await Task.Delay(TimeSpan.FromSeconds(1));
        var beforeCrash = acknowledged.Count;
        await postgres.CrashAsync();
        // Longer than the API's own retries of a statement, so that some requests must give up.
        await Task.Delay(TimeSpan.FromSeconds(6));
        await postgres.RestartAsync();
        var recovered = await FirstSuccessAfterAsync(client, TimeSpan.FromSeconds(30));
        await Task.Delay(TimeSpan.FromSeconds(2));
        await stop.CancelAsync();
        await Task.WhenAll(load);

        Assert.True(beforeCrash > 0, "the load ran before the crash");
        Assert.True(recovered, "the API answers again after PostgreSQL is back");
        Assert.DoesNotContain(answers, a => (int)a.Status >= 500 && a.Status != HttpStatusCode.ServiceUnavailable);
        Assert.All(answers, a => Assert.True(
            a.Status is HttpStatusCode.OK or HttpStatusCode.Created or HttpStatusCode.ServiceUnavailable,
            $"{(int)a.Status} {a.Body}"));
        var unavailable = answers.Where(a => a.Status == HttpStatusCode.ServiceUnavailable).ToArray();
        Assert.NotEmpty(unavailable);
        Assert.All(unavailable, a =>
        {
            Assert.Equal("application/problem+json", a.MediaType);
            Assert.True(a.RetryAfter > TimeSpan.Zero, "Retry-After in seconds");
            Assert.Matches("^[0-9a-f]{32}$", JsonDocument.Parse(a.Body).RootElement.GetProperty("trace_id").GetString()!);
        });

        // Every post the API acknowledged is there, once, with what was sent.
        await using var connection = new NpgsqlConnection(factory.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT id::text, content FROM posts WHERE user_id = @user", connection);
        command.Parameters.AddWithValue("user", user.Id);
        var stored = new Dictionary<string, string>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                stored.Add(reader.GetString(0), reader.GetString(1));
            }
        }

        Assert.All(acknowledged, post => Assert.Equal(post.Content, stored.GetValueOrDefault(post.Id)));
    }

    [Fact]
    public async Task With_s3_down_an_image_post_answers_503_while_text_posts_and_the_timeline_keep_working()
    {
        var user = await factory.RegisterAsync();
        using var client = factory.CreateClientWithToken(user.Token);
        var key = await UploadAsync(client);

        await factory.S3.StopAsync();
        try
        {
            using (var withImage = await client.PostAsJsonAsync("/api/v1/posts", new { content = "with a picture", image_key = key }))
            {
                var answer = await AnswerOf(withImage);
                Assert.True(answer.Status == HttpStatusCode.ServiceUnavailable, $"{(int)answer.Status} {answer.Body}");
                Assert.Equal("application/problem+json", answer.MediaType);
                Assert.True(answer.RetryAfter > TimeSpan.Zero, "Retry-After in seconds");
            }

            var text = await client.CreatePostAsync("only words");
            Assert.Equal("only words", text.GetProperty("content").GetString());
            await client.GetJsonAsync("/api/v1/posts?limit=20");
            // Signing an upload URL is local work: it needs no answer from S3.
            using var ticket = await client.PostAsJsonAsync("/api/v1/posts/upload-url", new { content_type = "image/png", content_length = s_png.Length });
            Assert.Equal(HttpStatusCode.Created, ticket.StatusCode);
        }
        finally
        {
            await factory.S3.RestartAsync();
        }

        // Nothing was half-written: the refused post does not exist, and the same request now works.
        var page = await client.GetJsonAsync($"/api/v1/posts?author_id={user.Id}");
        Assert.DoesNotContain(page.GetProperty("data").EnumerateArray(), p => p.GetProperty("content").GetString() == "with a picture");
        var posted = await client.CreatePostAsync("with a picture", key);
        Assert.False(string.IsNullOrEmpty(posted.GetProperty("image_url").GetString()));
    }

    private static async Task<string> UploadAsync(HttpClient client)
    {
        using var response = await client.PostAsJsonAsync("/api/v1/posts/upload-url", new { content_type = "image/png", content_length = s_png.Length });
        var ticket = await response.ReadJsonAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, ticket.ToString());
        using var browser = new HttpClient();
        var content = new ByteArrayContent(s_png);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse("image/png");
        using var put = await browser.PutAsync(ticket.GetProperty("upload_url").GetString(), content);
        Assert.True(put.IsSuccessStatusCode, $"upload: {(int)put.StatusCode}");
        return ticket.GetProperty("image_key").GetString()!;
    }

    private static async Task<Answer> AnswerOf(HttpResponseMessage response) => new(
        response.StatusCode,
        response.Headers.RetryAfter?.Delta,
        response.Content.Headers.ContentType?.MediaType,
        await response.Content.ReadAsStringAsync());

    private static async Task<bool> FirstSuccessAfterAsync(HttpClient client, TimeSpan within)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < within)
        {
            using var response = await client.GetAsync("/api/v1/posts?limit=1");
            if (response.IsSuccessStatusCode)
            {
                return true;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250));
        }

        return false;
    }
}
