using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Aspire.Hosting;
using Aspire.Hosting.Testing;

namespace SocialMedia.Tests.AppHost;

/// <summary>Scenarios run against the AppHost in more than one mode.</summary>
public static class AppHostScenarios
{
    // A real PNG header is enough: the API checks the stored object's type and size, not its pixels.
    private static readonly byte[] s_png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3, 4, 5, 6, 7, 8];

    /// <summary>What a frontend does first, against whatever serves the API on "api".</summary>
    public static async Task RegisterUploadPostLikeAndCommentAsync(ProcessesModeAppHost host)
    {
        using var api = host.CreateApiClient();
        var name = $"u{Guid.NewGuid():N}"[..20];

        using var register = await api.PostAsJsonAsync("/api/v1/auth/register", new { email = $"{name}@example.com", password = "correct horse", username = name });
        Assert.Equal(HttpStatusCode.Created, register.StatusCode);
        var token = (await register.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString();
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

        using var ticketResponse = await api.PostAsJsonAsync("/api/v1/posts/upload-url", new { content_type = "image/png", content_length = s_png.Length });
        Assert.Equal(HttpStatusCode.Created, ticketResponse.StatusCode);
        var ticket = await ticketResponse.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("PUT", ticket.GetProperty("method").GetString());
        var uploadUrl = new Uri(ticket.GetProperty("upload_url").GetString()!);
        Assert.Equal(host.App.GetEndpoint("s3", "http").Authority, uploadUrl.Authority);

        using (var s3 = new HttpClient())
        using (var put = new HttpRequestMessage(HttpMethod.Put, uploadUrl) { Content = new ByteArrayContent(s_png) })
        {
            put.Content.Headers.ContentType = new MediaTypeHeaderValue("image/png");
            using var uploaded = await s3.SendAsync(put);
            Assert.Equal(HttpStatusCode.OK, uploaded.StatusCode);
        }

        var imageKey = ticket.GetProperty("image_key").GetString();
        using var created = await api.PostAsJsonAsync("/api/v1/posts", new { content = "Hello from the AppHost test 👋", image_key = imageKey });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var post = await created.Content.ReadFromJsonAsync<JsonElement>();
        var postId = post.GetProperty("id").GetString();
        Assert.Equal($"/api/v1/posts/{postId}", created.Headers.Location?.OriginalString);
        Assert.Equal(imageKey, post.GetProperty("image_key").GetString());

        using (var s3 = new HttpClient())
        {
            // The image URL the API hands out is one a browser can load.
            using var image = await s3.GetAsync(post.GetProperty("image_url").GetString());
            Assert.Equal(HttpStatusCode.OK, image.StatusCode);
            Assert.Equal(s_png, await image.Content.ReadAsByteArrayAsync());
        }

        using var like = await api.PostAsync($"/api/v1/posts/{postId}/likes", null);
        Assert.Equal(HttpStatusCode.Created, like.StatusCode);
        var liked = await like.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(liked.GetProperty("liked").GetBoolean());
        Assert.Equal(1, liked.GetProperty("likes_count").GetInt32());

        using var comment = await api.PostAsJsonAsync($"/api/v1/posts/{postId}/comments", new { content = "First!" });
        Assert.Equal(HttpStatusCode.Created, comment.StatusCode);
        Assert.Equal("First!", (await comment.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("content").GetString());

        var reread = await api.GetFromJsonAsync<JsonElement>($"/api/v1/posts/{postId}");
        Assert.Equal(1, reread.GetProperty("likes_count").GetInt32());
        Assert.Equal(1, reread.GetProperty("comments_count").GetInt32());
        Assert.True(reread.GetProperty("liked_by_me").GetBoolean());
    }
}
