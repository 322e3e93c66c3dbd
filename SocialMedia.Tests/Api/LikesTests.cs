using System.Net;
using System.Net.Http.Json;
using SocialMedia.Tests.Infrastructure;

namespace SocialMedia.Tests.Api;

public sealed class LikesTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    private async Task<(TestUser Author, Guid PostId)> NewPostAsync()
    {
        var author = await factory.RegisterAsync();
        using var client = factory.CreateClientWithToken(author.Token);
        return (author, (await client.CreatePostAsync()).GetProperty("id").GetGuid());
    }

    [Fact]
    public async Task Liking_twice_counts_once_and_unliking_is_idempotent()
    {
        var (_, postId) = await NewPostAsync();
        var fan = await factory.RegisterAsync();
        using var client = factory.CreateClientWithToken(fan.Token);

        using var first = await client.PostAsync($"/api/v1/posts/{postId}/likes", null);
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        var body = await first.ReadJsonAsync();
        Assert.Equal(["liked", "likes_count", "post_id"], body.EnumerateObject().Select(p => p.Name).Order().ToArray());
        Assert.Equal(postId, body.GetProperty("post_id").GetGuid());
        Assert.True(body.GetProperty("liked").GetBoolean());
        Assert.Equal(1, body.GetProperty("likes_count").GetInt32());

        using var second = await client.PostAsync($"/api/v1/posts/{postId}/likes", null);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(body.ToString(), (await second.ReadJsonAsync()).ToString());

        using var unlike = await client.DeleteAsync($"/api/v1/posts/{postId}/likes");
        Assert.Equal(HttpStatusCode.OK, unlike.StatusCode);
        var unliked = await unlike.ReadJsonAsync();
        Assert.False(unliked.GetProperty("liked").GetBoolean());
        Assert.Equal(0, unliked.GetProperty("likes_count").GetInt32());

        using var unlikeAgain = await client.DeleteAsync($"/api/v1/posts/{postId}/likes");
        Assert.Equal(HttpStatusCode.OK, unlikeAgain.StatusCode);
        Assert.Equal(0, (await unlikeAgain.ReadJsonAsync()).GetProperty("likes_count").GetInt32());
    }

    [Fact]
    public async Task Likes_on_a_missing_post_are_404s()
    {
        var fan = await factory.RegisterAsync();
        using var client = factory.CreateClientWithToken(fan.Token);
        var missing = Guid.CreateVersion7();
        using var like = await client.PostAsync($"/api/v1/posts/{missing}/likes", null);
        await like.AssertProblemAsync(HttpStatusCode.NotFound);
        using var unlike = await client.DeleteAsync($"/api/v1/posts/{missing}/likes");
        await unlike.AssertProblemAsync(HttpStatusCode.NotFound);
        using var list = await client.GetAsync($"/api/v1/posts/{missing}/likes");
        await list.AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Liking_needs_a_token_but_reading_likes_does_not()
    {
        var (_, postId) = await NewPostAsync();
        using var anonymous = factory.CreateClient();
        using var like = await anonymous.PostAsync($"/api/v1/posts/{postId}/likes", null);
        await like.AssertProblemAsync(HttpStatusCode.Unauthorized);
        var page = await anonymous.GetJsonAsync($"/api/v1/posts/{postId}/likes");
        Assert.Empty(page.GetProperty("data").EnumerateArray());
    }

    [Fact]
    public async Task The_like_list_shows_who_liked_newest_first_in_pages()
    {
        var (_, postId) = await NewPostAsync();
        var fans = new List<TestUser>();
        for (var i = 0; i < 5; i++)
        {
            var fan = await factory.RegisterAsync();
            fans.Add(fan);
            using var client = factory.CreateClientWithToken(fan.Token);
            (await client.PostAsync($"/api/v1/posts/{postId}/likes", null)).Dispose();
        }

        using var anonymous = factory.CreateClient();
        var first = await anonymous.GetJsonAsync($"/api/v1/posts/{postId}/likes?limit=3");
        var like = first.GetProperty("data")[0];
        Assert.Equal(["created_at", "user"], like.EnumerateObject().Select(p => p.Name).Order().ToArray());
        Assert.Equal(["avatar_url", "id", "username"], like.GetProperty("user").EnumerateObject().Select(p => p.Name).Order().ToArray());
        var second = await anonymous.GetJsonAsync($"/api/v1/posts/{postId}/likes?limit=3&cursor={first.GetProperty("next_cursor").GetString()}");
        Assert.Equal(System.Text.Json.JsonValueKind.Null, second.GetProperty("next_cursor").ValueKind);

        var order = first.GetProperty("data").EnumerateArray().Concat(second.GetProperty("data").EnumerateArray())
            .Select(l => l.GetProperty("user").GetProperty("username").GetString()).ToList();
        Assert.Equal(fans.Select(f => f.Username).Reverse(), order);
    }

    [Fact]
    public async Task Concurrent_likes_and_unlikes_keep_the_count_exact()
    {
        var (_, postId) = await NewPostAsync();
        var fans = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => factory.RegisterAsync()));

        // Every fan likes three times at once; the first four also unlike at the same time.
        var requests = fans.SelectMany((fan, i) => Enumerable.Range(0, 3).Select(async _ =>
        {
            using var client = factory.CreateClientWithToken(fan.Token);
            using var response = await client.PostAsync($"/api/v1/posts/{postId}/likes", null);
            Assert.True(response.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK);
        }));
        await Task.WhenAll(requests);
        await Task.WhenAll(fans.Take(4).Select(async fan =>
        {
            using var client = factory.CreateClientWithToken(fan.Token);
            await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => client.DeleteAsync($"/api/v1/posts/{postId}/likes")));
        }));

        using var anonymous = factory.CreateClient();
        var post = await anonymous.GetJsonAsync($"/api/v1/posts/{postId}");
        var likes = await anonymous.GetJsonAsync($"/api/v1/posts/{postId}/likes?limit=100");
        Assert.Equal(8, likes.GetProperty("data").GetArrayLength());
        Assert.Equal(8, post.GetProperty("likes_count").GetInt32());
    }
}
