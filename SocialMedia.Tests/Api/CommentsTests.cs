using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SocialMedia.Tests.Infrastructure;

namespace SocialMedia.Tests.Api;

public sealed class CommentsTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    private async Task<Guid> NewPostAsync()
    {
        var author = await factory.RegisterAsync();
        using var client = factory.CreateClientWithToken(author.Token);
        return (await client.CreatePostAsync()).GetProperty("id").GetGuid();
    }

    [Fact]
    public async Task Commenting_returns_the_comment_with_its_author_and_counts_it()
    {
        var postId = await NewPostAsync();
        var commenter = await factory.RegisterAsync();
        using var client = factory.CreateClientWithToken(commenter.Token);

        using var response = await client.PostAsJsonAsync($"/api/v1/posts/{postId}/comments", new { content = "first! 🎉" });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var comment = await response.ReadJsonAsync();
        Assert.Equal(["author", "content", "created_at", "id", "post_id", "updated_at"], comment.EnumerateObject().Select(p => p.Name).Order().ToArray());
        Assert.Equal(postId, comment.GetProperty("post_id").GetGuid());
        Assert.Equal("first! 🎉", comment.GetProperty("content").GetString());
        Assert.Equal(commenter.Id, comment.GetProperty("author").GetProperty("id").GetGuid());
        Assert.Equal(commenter.Username, comment.GetProperty("author").GetProperty("username").GetString());
        Assert.Matches(ApiClientExtensions.TimestampPattern(), comment.GetProperty("created_at").GetString()!);

        var post = await client.GetJsonAsync($"/api/v1/posts/{postId}");
        Assert.Equal(1, post.GetProperty("comments_count").GetInt32());
        var listed = await client.GetJsonAsync($"/api/v1/posts/{postId}/comments");
        Assert.Equal(comment.ToString(), listed.GetProperty("data")[0].ToString());
    }

    [Fact]
    public async Task Comments_are_listed_oldest_first_in_pages()
    {
        var postId = await NewPostAsync();
        var commenter = await factory.RegisterAsync();
        using var client = factory.CreateClientWithToken(commenter.Token);
        for (var i = 0; i < 5; i++)
        {
            // Millisecond timestamps, ties ordered by random-tailed UUIDv7 ids: one comment per millisecond.
            await Task.Delay(5);
            (await client.PostAsJsonAsync($"/api/v1/posts/{postId}/comments", new { content = $"c{i}" })).Dispose();
        }

        var contents = new List<string>();
        string? cursor = null;
        do
        {
            var page = await client.GetJsonAsync($"/api/v1/posts/{postId}/comments?limit=2" + (cursor is null ? "" : $"&cursor={cursor}"));
            contents.AddRange(page.GetProperty("data").EnumerateArray().Select(c => c.GetProperty("content").GetString()!));
            cursor = page.GetProperty("next_cursor").ValueKind == JsonValueKind.Null ? null : page.GetProperty("next_cursor").GetString();
        }
        while (cursor is not null);

        Assert.Equal(["c0", "c1", "c2", "c3", "c4"], contents);
    }

    [Fact]
    public async Task Invalid_comments_and_missing_posts_are_refused()
    {
        var postId = await NewPostAsync();
        var commenter = await factory.RegisterAsync();
        using var client = factory.CreateClientWithToken(commenter.Token);

        using var blank = await client.PostAsJsonAsync($"/api/v1/posts/{postId}/comments", new { content = "  " });
        Assert.Equal(["content"], (await blank.AssertProblemAsync(HttpStatusCode.UnprocessableEntity)).ErrorFields());
        using var tooLong = await client.PostAsJsonAsync($"/api/v1/posts/{postId}/comments", new { content = new string('x', 281) });
        await tooLong.AssertProblemAsync(HttpStatusCode.UnprocessableEntity);
        using var missingPost = await client.PostAsJsonAsync($"/api/v1/posts/{Guid.CreateVersion7()}/comments", new { content = "hello?" });
        await missingPost.AssertProblemAsync(HttpStatusCode.NotFound);
        using var anonymous = factory.CreateClient();
        using var unauthenticated = await anonymous.PostAsJsonAsync($"/api/v1/posts/{postId}/comments", new { content = "hi" });
        await unauthenticated.AssertProblemAsync(HttpStatusCode.Unauthorized);

        Assert.Equal(0, (await client.GetJsonAsync($"/api/v1/posts/{postId}")).GetProperty("comments_count").GetInt32());
    }

    [Fact]
    public async Task Only_the_author_can_delete_a_comment()
    {
        var postId = await NewPostAsync();
        var commenter = await factory.RegisterAsync();
        var other = await factory.RegisterAsync();
        using var client = factory.CreateClientWithToken(commenter.Token);
        using var otherClient = factory.CreateClientWithToken(other.Token);
        using var created = await client.PostAsJsonAsync($"/api/v1/posts/{postId}/comments", new { content = "mine" });
        var id = (await created.ReadJsonAsync()).GetProperty("id").GetGuid();

        using var forbidden = await otherClient.DeleteAsync($"/api/v1/comments/{id}");
        await forbidden.AssertProblemAsync(HttpStatusCode.Forbidden);
        using var deleted = await client.DeleteAsync($"/api/v1/comments/{id}");
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        using var again = await client.DeleteAsync($"/api/v1/comments/{id}");
        await again.AssertProblemAsync(HttpStatusCode.NotFound);

        Assert.Equal(0, (await client.GetJsonAsync($"/api/v1/posts/{postId}")).GetProperty("comments_count").GetInt32());
        Assert.Empty((await client.GetJsonAsync($"/api/v1/posts/{postId}/comments")).GetProperty("data").EnumerateArray());
    }

    [Fact]
    public async Task Concurrent_comments_keep_the_count_exact()
    {
        var postId = await NewPostAsync();
        var commenters = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => factory.RegisterAsync()));
        await Task.WhenAll(commenters.SelectMany(c => Enumerable.Range(0, 5).Select(async i =>
        {
            using var client = factory.CreateClientWithToken(c.Token);
            using var response = await client.PostAsJsonAsync($"/api/v1/posts/{postId}/comments", new { content = $"n{i}" });
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        })));

        using var anonymous = factory.CreateClient();
        Assert.Equal(30, (await anonymous.GetJsonAsync($"/api/v1/posts/{postId}")).GetProperty("comments_count").GetInt32());
        Assert.Equal(30, (await anonymous.GetJsonAsync($"/api/v1/posts/{postId}/comments?limit=100")).GetProperty("data").GetArrayLength());
    }
}
