using System.Net;
using System.Net.Http.Json;
using SocialMedia.Tests.Infrastructure;

namespace SocialMedia.Tests.Api;

/// <summary>
/// Logout revokes a token at once for every kind of request: reads that send the revocation lookup
/// with their own query, reads that answer before any query, and writes, which look it up first.
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

    [Theory]
    [InlineData("/api/v1/posts?limit=20")]
    [InlineData("/api/v1/posts/{id}")]
    [InlineData("/api/v1/auth/me")]
    public async Task A_revoked_token_is_refused_by_reads_that_check_it_with_their_query(string url)
    {
        var (client, postId) = await LoggedOutClientWithAPostAsync();
        using (client)
        {
            using var response = await client.GetAsync(url.Replace("{id}", postId.ToString(), StringComparison.Ordinal));
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
}
