using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using SocialMedia.Api.Features.Images;
using SocialMedia.Tests.Infrastructure;

namespace SocialMedia.Tests.Api;

/// <summary>
/// The API in the test process, with an s3rver of its own to stop, and its deletion sweeper
/// driven by the tests rather than by a timer.
/// </summary>
public sealed class OwnS3ApiFactory : ApiFactory
{
    private readonly Lazy<Task<S3rverServer>> _s3 = new(S3rverServer.StartAsync);

    protected override bool InProcessOnly => true;

    protected override Task<S3rverServer> S3Async() => _s3.Value;

    protected override IEnumerable<KeyValuePair<string, string?>> ExtraSettings =>
    [
        new("Storage:DeletionSweep:IntervalSeconds", "0"),
    ];
}

/// <summary>
/// Images do not outlive their posts, and what readers see of a post's image cannot be changed
/// through the upload URL once the post holds it.
/// </summary>
[Trait(TestHost.Trait, TestHost.InProcessOnly)]
public sealed class ImageLifecycleTests(OwnS3ApiFactory factory) : IClassFixture<OwnS3ApiFactory>
{
    private static readonly byte[] s_png = Convert.FromBase64String(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==");

    // Another image of the same type and length, so the upload URL's signature accepts it.
    private static readonly byte[] s_otherPng = s_png.Select((b, i) => i == s_png.Length - 20 ? (byte)(b ^ 0x01) : b).ToArray();

    private static readonly HttpClient s_browser = new();

    private static async Task<(JsonElement Ticket, string Key)> UploadAsync(HttpClient client, byte[] bytes)
    {
        using var response = await client.PostAsJsonAsync("/api/v1/posts/upload-url", new { content_type = "image/png", content_length = bytes.Length });
        var ticket = await response.ReadJsonAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, ticket.ToString());
        using var put = await PutAsync(ticket, bytes);
        Assert.True(put.IsSuccessStatusCode, $"upload: {(int)put.StatusCode}");
        return (ticket, ticket.GetProperty("image_key").GetString()!);
    }

    private static async Task<HttpResponseMessage> PutAsync(JsonElement ticket, byte[] bytes)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse("image/png");
        return await s_browser.PutAsync(ticket.GetProperty("upload_url").GetString(), content);
    }

    private async Task<long> QueuedAsync(string key)
    {
        await using var connection = new NpgsqlConnection(factory.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM image_deletions WHERE key = $1", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = key });
        return (long)(await command.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task Uploads_wait_under_the_pending_prefix_and_the_image_key_is_not_writable_through_the_upload_url()
    {
        var user = await factory.RegisterAsync();
        using var client = factory.CreateClientWithToken(user.Token);
        var (ticket, key) = await UploadAsync(client, s_png);
        Assert.StartsWith($"/{factory.BucketName}/{ImageStorage.PendingPrefix}{key}", new Uri(ticket.GetProperty("upload_url").GetString()!).AbsolutePath, StringComparison.Ordinal);

        var post = await client.CreatePostAsync("a picture", key);
        var url = post.GetProperty("image_url").GetString()!;
        Assert.Equal(s_png, await s_browser.GetByteArrayAsync(url));

        // The upload URL is still valid for minutes: a second PUT through it lands in the upload
        // area, and what readers of the post get stays what the post was made with.
        using (var again = await PutAsync(ticket, s_otherPng))
        {
            Assert.True(again.IsSuccessStatusCode);
        }

        Assert.Equal(s_png, await s_browser.GetByteArrayAsync(url));
        using var edited = await client.PutAsJsonAsync($"/api/v1/posts/{post.GetProperty("id").GetString()}", new { content = "still the same picture", image_key = key });
        Assert.Equal(HttpStatusCode.OK, edited.StatusCode);
        Assert.Equal(s_png, await s_browser.GetByteArrayAsync(url));
    }

    [Fact]
    public async Task A_post_deleted_while_s3_is_down_loses_its_image_once_s3_is_back()
    {
        var user = await factory.RegisterAsync();
        using var client = factory.CreateClientWithToken(user.Token);
        var (_, key) = await UploadAsync(client, s_png);
        var post = await client.CreatePostAsync("short-lived", key);
        var url = post.GetProperty("image_url").GetString()!;

        await factory.S3.StopAsync();
        try
        {
            // The database change is the answer; the object's deletion waits in the queue.
            using var deleted = await client.DeleteAsync($"/api/v1/posts/{post.GetProperty("id").GetString()}");
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
            Assert.Equal(1, await QueuedAsync(key));
        }
        finally
        {
            await factory.S3.RestartAsync();
        }

        Assert.Equal(HttpStatusCode.OK, (await s_browser.GetAsync(url)).StatusCode);
        var swept = await factory.Services.GetRequiredService<ImageDeletionSweeper>().SweepAsync(100, CancellationToken.None);

        Assert.True(swept >= 1);
        Assert.Equal(HttpStatusCode.NotFound, (await s_browser.GetAsync(url)).StatusCode);
        Assert.Equal(0, await QueuedAsync(key));
    }

    [Fact]
    public async Task Racing_edits_and_a_delete_never_answer_500_and_leave_no_image_behind()
    {
        var user = await factory.RegisterAsync();
        using var client = factory.CreateClientWithToken(user.Token);
        var (_, first) = await UploadAsync(client, s_png);
        var post = await client.CreatePostAsync("raced", first);
        var id = post.GetProperty("id").GetString()!;
        var keys = new List<string> { first };
        for (var i = 0; i < 4; i++)
        {
            keys.Add((await UploadAsync(client, s_png)).Key);
        }

        var edits = keys.Skip(1).Select(async key =>
        {
            using var response = await client.PutAsJsonAsync($"/api/v1/posts/{id}", new { image_key = key });
            return response.StatusCode;
        });
        var delete = Task.Run(async () =>
        {
            using var response = await client.DeleteAsync($"/api/v1/posts/{id}");
            return response.StatusCode;
        });
        var statuses = await Task.WhenAll(edits.Append(delete));

        Assert.All(statuses, s => Assert.True(s is HttpStatusCode.OK or HttpStatusCode.NoContent or HttpStatusCode.NotFound, s.ToString()));
        Assert.Equal(HttpStatusCode.NoContent, statuses[^1]);
        await factory.Services.GetRequiredService<ImageDeletionSweeper>().SweepAsync(100, CancellationToken.None);
        foreach (var key in keys)
        {
            // Every image that was attached is gone with the post; those never attached were never copied out.
            Assert.Equal(HttpStatusCode.NotFound, (await s_browser.GetAsync($"{factory.S3.Endpoint}/{factory.BucketName}/{key}")).StatusCode);
        }
    }
}
