using System.Net;
using System.Net.Http.Json;
using SocialMedia.Api.Common;
using SocialMedia.Tests.Infrastructure;

namespace SocialMedia.Tests.Api;

/// <summary>
/// Logout revokes a token at once for every kind of request: each statement a request sends looks
/// the token up itself (a write writes nothing, a read returns nothing), and an answer given before
/// any statement looks it up then.
/// </summary>
public sealed class RevocationTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    private async Task<(HttpClient Client, Guid PostId)> LoggedOutClientWithAPostAsync()
    {
        var user = await factory.RegisterAsync();
        var client = factory.CreateClientWithToken(user.Token);
        var post = await client.CreatePostAsync("written before logging out");
        using var logout = await client.DeleteAsync("/api/v1/auth/logout");
        Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
        return (client, post.GetProperty("id").GetGuid());
    }

    /// <summary>
    /// A post with a like and a comment, all made with a token that is then revoked: what a revoked
    /// token's writes must leave as they are.
    /// </summary>
    private async Task<(HttpClient Revoked, Guid PostId, Guid CommentId)> RevokedAuthorOfALikedCommentedPostAsync()
    {
        var user = await factory.RegisterAsync();
        var client = factory.CreateClientWithToken(user.Token);
        var postId = (await client.CreatePostAsync("as it was")).GetProperty("id").GetGuid();
        using (var like = await client.PostAsync($"/api/v1/posts/{postId}/likes", null))
        {
            Assert.Equal(HttpStatusCode.Created, like.StatusCode);
        }

        Guid commentId;
        using (var comment = await client.PostAsJsonAsync($"/api/v1/posts/{postId}/comments", new { content = "as it was" }))
        {
            commentId = (await comment.ReadJsonAsync()).GetProperty("id").GetGuid();
        }

        using var logout = await client.DeleteAsync("/api/v1/auth/logout");
        Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
        return (client, postId, commentId);
    }

    /// <summary>The post as anyone sees it: unchanged, one like and one comment, counted and listed.</summary>
    private async Task AssertUnchangedAsync(Guid postId, Guid commentId)
    {
        using var anonymous = factory.CreateClient();
        var post = await anonymous.GetJsonAsync($"/api/v1/posts/{postId}");
        Assert.Equal("as it was", post.GetProperty("content").GetString());
        Assert.Equal(1, post.GetProperty("likes_count").GetInt32());
        Assert.Equal(1, post.GetProperty("comments_count").GetInt32());
        Assert.Equal(1, (await anonymous.GetJsonAsync($"/api/v1/posts/{postId}/likes")).GetProperty("data").GetArrayLength());
        var comment = Assert.Single((await anonymous.GetJsonAsync($"/api/v1/posts/{postId}/comments")).GetProperty("data").EnumerateArray());
        Assert.Equal(commentId, comment.GetProperty("id").GetGuid());
        Assert.Equal(1, (await anonymous.GetJsonAsync("/api/v1/posts?limit=100")).GetProperty("data").EnumerateArray()
            .Count(p => p.GetProperty("author").GetProperty("id").GetGuid() == post.GetProperty("author").GetProperty("id").GetGuid()));
    }

    private static async Task AssertRefusedAsync(HttpResponseMessage response)
    {
        await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Contains("error=\"invalid_token\"", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }

    public static TheoryData<string> Writes =>
    [
        "post", "edit", "delete post", "like", "unlike", "comment", "delete comment", "upload url", "log out",
    ];

    [Theory]
    [MemberData(nameof(Writes))]
    public async Task A_revoked_token_writes_nothing_and_moves_no_counter(string write)
    {
        var (client, postId, commentId) = await RevokedAuthorOfALikedCommentedPostAsync();
        using (client)
        {
            using var response = write switch
            {
                "post" => await client.PostAsJsonAsync("/api/v1/posts", new { content = "after logout" }),
                "edit" => await client.PutAsJsonAsync($"/api/v1/posts/{postId}", new { content = "after logout" }),
                "delete post" => await client.DeleteAsync($"/api/v1/posts/{postId}"),
                "like" => await client.PostAsync($"/api/v1/posts/{postId}/likes", null),
                "unlike" => await client.DeleteAsync($"/api/v1/posts/{postId}/likes"),
                "comment" => await client.PostAsJsonAsync($"/api/v1/posts/{postId}/comments", new { content = "after logout" }),
                "delete comment" => await client.DeleteAsync($"/api/v1/comments/{commentId}"),
                "upload url" => await client.PostAsJsonAsync("/api/v1/posts/upload-url", new { content_type = "image/png", content_length = 100 }),
                "log out" => await client.DeleteAsync("/api/v1/auth/logout"),
                _ => throw new ArgumentOutOfRangeException(nameof(write)),
            };

            await AssertRefusedAsync(response);
            await AssertUnchangedAsync(postId, commentId);
        }
    }

    [Fact]
    public async Task A_revoked_token_cannot_like()
    {
        var (client, postId, commentId) = await RevokedAuthorOfALikedCommentedPostAsync();
        using (client)
        {
            var other = await factory.RegisterAsync();
            using var stranger = factory.CreateClientWithToken(other.Token);
            var otherPost = (await stranger.CreatePostAsync("never liked")).GetProperty("id").GetGuid();

            using var response = await client.PostAsync($"/api/v1/posts/{otherPost}/likes", null);

            await AssertRefusedAsync(response);
            Assert.Equal(0, (await stranger.GetJsonAsync($"/api/v1/posts/{otherPost}")).GetProperty("likes_count").GetInt32());
            Assert.Equal(0, (await stranger.GetJsonAsync($"/api/v1/posts/{otherPost}/likes")).GetProperty("data").GetArrayLength());
            await AssertUnchangedAsync(postId, commentId);
        }
    }

    [Theory]
    [InlineData("POST", "/api/v1/posts", "{")]
    [InlineData("POST", "/api/v1/posts", "{\"content\": \"\"}")]
    [InlineData("PUT", "/api/v1/posts/{id}", "{}")]
    [InlineData("PUT", "/api/v1/posts/{id}", "[1]")]
    [InlineData("POST", "/api/v1/posts/{id}/comments", "{\"content\": \" \"}")]
    [InlineData("POST", "/api/v1/posts/upload-url", "{\"content_type\": \"text/html\"}")]
    public async Task A_revoked_token_is_refused_whatever_its_body(string method, string url, string body)
    {
        var (client, postId, commentId) = await RevokedAuthorOfALikedCommentedPostAsync();
        using (client)
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), url.Replace("{id}", postId.ToString(), StringComparison.Ordinal))
            {
                Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json"),
            };
            using var response = await client.SendAsync(request);

            await AssertRefusedAsync(response);
            await AssertUnchangedAsync(postId, commentId);
        }
    }

    [Theory]
    [InlineData("/api/v1/posts?limit=20")]
    [InlineData("/api/v1/posts?limit=20&author_id={id}")]
    [InlineData("/api/v1/posts?limit=20&cursor={cursor}")]
    [InlineData("/api/v1/posts?limit=20&author_id={id}&cursor={cursor}")]
    [InlineData("/api/v1/posts/{id}")]
    [InlineData("/api/v1/auth/me")]
    public async Task A_revoked_token_is_refused_by_reads_that_check_it_with_their_query(string url)
    {
        var (client, postId) = await LoggedOutClientWithAPostAsync();
        using (client)
        {
            // Each timeline shape (by author, after a cursor) is its own statement with the lookup in it.
            using var response = await client.GetAsync(url
                .Replace("{id}", postId.ToString(), StringComparison.Ordinal)
                .Replace("{cursor}", new Cursor(DateTime.UtcNow, postId).Encode(), StringComparison.Ordinal));
            await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
            Assert.Contains("error=\"invalid_token\"", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_revoked_token_is_refused_even_when_the_read_fails_validation_before_any_query()
    {
        var (client, _) = await LoggedOutClientWithAPostAsync();
        using (client)
        {
            using var response = await client.GetAsync("/api/v1/posts?limit=0");
            await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
        }
    }

    [Fact]
    public async Task A_revoked_token_writes_nothing()
    {
        var (client, _) = await LoggedOutClientWithAPostAsync();
        using (client)
        {
            using var response = await client.PostAsJsonAsync("/api/v1/posts", new { content = "after logout" });
            await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
            using var anonymous = factory.CreateClient();
            var page = await anonymous.GetJsonAsync("/api/v1/posts?limit=100");
            Assert.DoesNotContain(page.GetProperty("data").EnumerateArray(), p => p.GetProperty("content").GetString() == "after logout");
        }
    }

    [Fact]
    public async Task Public_reads_answer_a_revoked_token_as_they_answer_no_token()
    {
        var (client, postId) = await LoggedOutClientWithAPostAsync();
        using (client)
        {
            var comments = await client.GetJsonAsync($"/api/v1/posts/{postId}/comments");
            Assert.Equal(0, comments.GetProperty("data").GetArrayLength());
        }
    }

    [Fact]
    public async Task A_live_token_still_reads_its_own_likes_after_another_token_of_the_same_user_is_revoked()
    {
        var user = await factory.RegisterAsync();
        using var first = factory.CreateClientWithToken(user.Token);
        var post = await first.CreatePostAsync();
        var id = post.GetProperty("id").GetGuid();
        using var like = await first.PostAsync($"/api/v1/posts/{id}/likes", null);
        Assert.Equal(HttpStatusCode.Created, like.StatusCode);

        using var anonymous = factory.CreateClient();
        using var login = await anonymous.PostAsJsonAsync("/api/v1/auth/login", new { email = user.Email, password = user.Password });
        var second = (await login.ReadJsonAsync()).GetProperty("token").GetString()!;
        using var logout = await first.DeleteAsync("/api/v1/auth/logout");
        Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);

        using var client = factory.CreateClientWithToken(second);
        var page = await client.GetJsonAsync("/api/v1/posts?limit=100");
        Assert.True(page.GetProperty("data").EnumerateArray().Single(p => p.GetProperty("id").GetGuid() == id).GetProperty("liked_by_me").GetBoolean());
    }

    [Fact]
    public async Task A_revocation_is_kept_while_its_token_is_still_accepted_within_the_clock_skew()
    {
        // Two revocations of tokens that have expired: one a moment ago (still accepted for the
        // validator's clock skew, so its revocation must stay), one long ago (safe to forget).
        var recent = "skew-" + Guid.NewGuid().ToString("N");
        var old = "old-" + Guid.NewGuid().ToString("N");
        await using (var connection = new Npgsql.NpgsqlConnection(factory.ConnectionString))
        {
            await connection.OpenAsync();
            await using var insert = new Npgsql.NpgsqlCommand(
                "INSERT INTO revoked_tokens (jti, expires_at) VALUES ($1, now() - interval '5 seconds'), ($2, now() - interval '10 minutes')", connection);
            insert.Parameters.Add(new Npgsql.NpgsqlParameter { Value = recent });
            insert.Parameters.Add(new Npgsql.NpgsqlParameter { Value = old });
            await insert.ExecuteNonQueryAsync();
        }

        // Any logout sweeps revocations that no longer matter.
        var user = await factory.RegisterAsync();
        using var client = factory.CreateClientWithToken(user.Token);
        using (var logout = await client.DeleteAsync("/api/v1/auth/logout"))
        {
            Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
        }

        await using var check = new Npgsql.NpgsqlConnection(factory.ConnectionString);
        await check.OpenAsync();
        await using var select = new Npgsql.NpgsqlCommand("SELECT jti FROM revoked_tokens WHERE jti IN ($1, $2)", check);
        select.Parameters.Add(new Npgsql.NpgsqlParameter { Value = recent });
        select.Parameters.Add(new Npgsql.NpgsqlParameter { Value = old });
        var kept = new List<string>();
        await using (var reader = await select.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                kept.Add(reader.GetString(0));
            }
        }

        Assert.Equal([recent], kept);
    }
}
