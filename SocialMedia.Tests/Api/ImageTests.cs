using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using SocialMedia.Tests.Infrastructure;
using SocialMedia.Tests.Support;

namespace SocialMedia.Tests.Api;

/// <summary>The browser's path: ask for an upload URL, PUT the bytes straight to S3, then post the key.</summary>
public sealed class ImageTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    private static readonly byte[] s_png = Convert.FromBase64String(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==");

    private static readonly HttpClient s_browser = new();

    private static async Task<JsonElement> RequestUploadAsync(HttpClient client, string contentType = "image/png", long? length = null)
    {
        using var response = await client.PostAsJsonAsync("/api/v1/posts/upload-url", new { content_type = contentType, content_length = length ?? s_png.Length });
        var body = await response.ReadJsonAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, body.ToString());
        return body;
    }

    private static async Task<HttpResponseMessage> PutAsync(JsonElement ticket, byte[] bytes, string? contentType = null)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType ?? ticket.GetProperty("headers").GetProperty("Content-Type").GetString()!);
        return await s_browser.PutAsync(ticket.GetProperty("upload_url").GetString(), content);
    }

    [Fact]
    public async Task The_upload_url_is_a_plain_http_presigned_put_for_the_callers_key()
    {
        var user = await factory.RegisterAsync();
        using var client = factory.CreateClientWithToken(user.Token);
        var ticket = await RequestUploadAsync(client);

        Assert.Equal(["expires_at", "headers", "image_key", "method", "upload_url"], ticket.EnumerateObject().Select(p => p.Name).Order().ToArray());
        Assert.Equal("PUT", ticket.GetProperty("method").GetString());
        Assert.Equal("image/png", ticket.GetProperty("headers").GetProperty("Content-Type").GetString());
        Assert.Matches($"^posts/{user.Id}/[0-9a-f-]{{36}}\\.png$", ticket.GetProperty("image_key").GetString()!);

        var url = new Uri(ticket.GetProperty("upload_url").GetString()!);
        Assert.Equal("http", url.Scheme); // an http:// endpoint must not come out as https://
        Assert.Equal(new Uri(factory.S3.Endpoint).Authority, url.Authority);
        Assert.Contains(ticket.GetProperty("image_key").GetString()!, url.AbsolutePath, StringComparison.Ordinal);
        Assert.Contains("X-Amz-Signature=", url.Query, StringComparison.Ordinal);
        Assert.Matches("X-Amz-SignedHeaders=[^&]*content-length", url.Query);
        Assert.Matches("X-Amz-SignedHeaders=[^&]*content-type", url.Query);

        var expiresAt = ticket.GetProperty("expires_at").GetDateTime().ToUniversalTime();
        Assert.InRange(expiresAt - DateTime.UtcNow, TimeSpan.FromMinutes(13), TimeSpan.FromMinutes(15));
    }

    [Theory]
    [InlineData("image/svg+xml", 100, "content_type")]
    [InlineData("text/plain", 100, "content_type")]
    [InlineData("image/png", 0, "content_length")]
    [InlineData("image/png", 10_485_761, "content_length")]
    public async Task Upload_urls_only_for_small_enough_jpeg_png_and_gif(string contentType, long length, string field)
    {
        var user = await factory.RegisterAsync();
        using var client = factory.CreateClientWithToken(user.Token);
        using var response = await client.PostAsJsonAsync("/api/v1/posts/upload-url", new { content_type = contentType, content_length = length });
        Assert.Equal([field], (await response.AssertProblemAsync(HttpStatusCode.UnprocessableEntity)).ErrorFields());
    }

    [Fact]
    public async Task An_image_uploaded_through_the_url_can_be_posted_and_fetched()
    {
        var user = await factory.RegisterAsync();
        using var client = factory.CreateClientWithToken(user.Token);
        var ticket = await RequestUploadAsync(client);
        using (var put = await PutAsync(ticket, s_png))
        {
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        }

        var key = ticket.GetProperty("image_key").GetString()!;
        var post = await client.CreatePostAsync("with a picture", key);
        Assert.Equal(key, post.GetProperty("image_key").GetString());
        var imageUrl = post.GetProperty("image_url").GetString()!;
        Assert.Equal($"{factory.S3.Endpoint}/{factory.BucketName}/{key}", imageUrl);
        Assert.Equal(s_png, await s_browser.GetByteArrayAsync(imageUrl));
    }

    [Fact]
    public async Task The_signature_binds_the_upload_to_its_type_and_length()
    {
        var user = await factory.RegisterAsync();
        using var client = factory.CreateClientWithToken(user.Token);
        var ticket = await RequestUploadAsync(client);
        var url = new Uri(ticket.GetProperty("upload_url").GetString()!);
        var length = s_png.Length.ToString(System.Globalization.CultureInfo.InvariantCulture);

        Assert.True(SigV4.Matches(url, "PUT", new Dictionary<string, string> { ["content-type"] = "image/png", ["content-length"] = length }, S3rverServer.SecretKey));
        Assert.False(SigV4.Matches(url, "PUT", new Dictionary<string, string> { ["content-type"] = "image/gif", ["content-length"] = length }, S3rverServer.SecretKey));
        Assert.False(SigV4.Matches(url, "PUT", new Dictionary<string, string> { ["content-type"] = "image/png", ["content-length"] = "10485760" }, S3rverServer.SecretKey));
        Assert.False(SigV4.Matches(url, "GET", new Dictionary<string, string> { ["content-type"] = "image/png", ["content-length"] = length }, S3rverServer.SecretKey));
    }

    [Fact]
    public async Task An_object_of_another_type_than_its_key_promises_is_refused()
    {
        var user = await factory.RegisterAsync();
        using var client = factory.CreateClientWithToken(user.Token);
        var ticket = await RequestUploadAsync(client);
        // s3rver does not check signatures; S3 would refuse this PUT, the API refuses the result.
        (await PutAsync(ticket, s_png, "text/html")).Dispose();
        using var response = await client.PostAsJsonAsync("/api/v1/posts", new { content = "x", image_key = ticket.GetProperty("image_key").GetString() });
        Assert.Equal(["image_key"], (await response.AssertProblemAsync(HttpStatusCode.UnprocessableEntity)).ErrorFields());
    }

    [Fact]
    public async Task Only_a_key_issued_to_the_caller_with_an_uploaded_object_is_accepted()
    {
        var owner = await factory.RegisterAsync();
        var thief = await factory.RegisterAsync();
        using var ownerClient = factory.CreateClientWithToken(owner.Token);
        using var thiefClient = factory.CreateClientWithToken(thief.Token);
        var ticket = await RequestUploadAsync(ownerClient);
        var key = ticket.GetProperty("image_key").GetString()!;

        // Issued but never uploaded.
        using var notUploaded = await ownerClient.PostAsJsonAsync("/api/v1/posts", new { content = "x", image_key = key });
        Assert.Equal(["image_key"], (await notUploaded.AssertProblemAsync(HttpStatusCode.UnprocessableEntity)).ErrorFields());

        (await PutAsync(ticket, s_png)).Dispose();
        using var stolen = await thiefClient.PostAsJsonAsync("/api/v1/posts", new { content = "x", image_key = key });
        Assert.Equal(["image_key"], (await stolen.AssertProblemAsync(HttpStatusCode.UnprocessableEntity)).ErrorFields());
        using var madeUp = await ownerClient.PostAsJsonAsync("/api/v1/posts", new { content = "x", image_key = "../../etc/passwd" });
        Assert.Equal(["image_key"], (await madeUp.AssertProblemAsync(HttpStatusCode.UnprocessableEntity)).ErrorFields());

        await ownerClient.CreatePostAsync("mine", key);
        using var reused = await ownerClient.PostAsJsonAsync("/api/v1/posts", new { content = "again", image_key = key });
        Assert.Equal(["image_key"], (await reused.AssertProblemAsync(HttpStatusCode.UnprocessableEntity)).ErrorFields());
    }

    [Fact]
    public async Task Replacing_or_removing_an_image_and_deleting_the_post_delete_the_old_objects()
    {
        var user = await factory.RegisterAsync();
        using var client = factory.CreateClientWithToken(user.Token);
        var first = await RequestUploadAsync(client);
        (await PutAsync(first, s_png)).Dispose();
        var post = await client.CreatePostAsync("v1", first.GetProperty("image_key").GetString());
        var id = post.GetProperty("id").GetGuid();
        var firstUrl = post.GetProperty("image_url").GetString()!;

        var second = await RequestUploadAsync(client);
        (await PutAsync(second, s_png)).Dispose();
        using var replaced = await client.PutAsJsonAsync($"/api/v1/posts/{id}", new { image_key = second.GetProperty("image_key").GetString() });
        Assert.Equal(HttpStatusCode.OK, replaced.StatusCode);
        var secondUrl = (await replaced.ReadJsonAsync()).GetProperty("image_url").GetString()!;
        Assert.Equal("v1", (await replaced.ReadJsonAsync()).GetProperty("content").GetString()); // content kept
        Assert.Equal(HttpStatusCode.NotFound, (await s_browser.GetAsync(firstUrl)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await s_browser.GetAsync(secondUrl)).StatusCode);

        using (var kept = await client.PutAsJsonAsync($"/api/v1/posts/{id}", new { content = "v2" }))
        {
            Assert.Equal(secondUrl, (await kept.ReadJsonAsync()).GetProperty("image_url").GetString()); // absent field: image kept
        }

        using (var removed = await client.PutAsync($"/api/v1/posts/{id}", JsonContent.Create(new Dictionary<string, object?> { ["image_key"] = null })))
        {
            Assert.Equal(JsonValueKind.Null, (await removed.ReadJsonAsync()).GetProperty("image_url").ValueKind);
        }

        Assert.Equal(HttpStatusCode.NotFound, (await s_browser.GetAsync(secondUrl)).StatusCode);

        var third = await RequestUploadAsync(client, "image/gif");
        (await PutAsync(third, s_png)).Dispose();
        using (var withGif = await client.PutAsJsonAsync($"/api/v1/posts/{id}", new { image_key = third.GetProperty("image_key").GetString() }))
        {
            Assert.Equal(HttpStatusCode.OK, withGif.StatusCode);
        }

        var thirdUrl = (await client.GetJsonAsync($"/api/v1/posts/{id}")).GetProperty("image_url").GetString()!;
        (await client.DeleteAsync($"/api/v1/posts/{id}")).Dispose();
        Assert.Equal(HttpStatusCode.NotFound, (await s_browser.GetAsync(thirdUrl)).StatusCode);
    }
}
