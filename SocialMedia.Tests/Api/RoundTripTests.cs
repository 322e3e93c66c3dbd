using System.Net;
using System.Net.Http.Json;
using System.Text;
using SocialMedia.Tests.Infrastructure;

namespace SocialMedia.Tests.Api;

/// <summary>
/// Every request that touches PostgreSQL is one round trip, the revocation lookup of its token
/// included; one that needs nothing from it makes none. Counted by Npgsql's own activities.
/// </summary>
[Trait(TestHost.Trait, TestHost.InProcessOnly)]
public sealed class RoundTripTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    private async Task<HttpResponseMessage> SendAsync(int expectedRoundTrips, HttpStatusCode expectedStatus, Func<Task<HttpResponseMessage>> send)
    {
        using var trips = RoundTrips.To(factory.ConnectionString);
        var response = await send();
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expectedStatus, $"{(int)response.StatusCode}: {body}");
        Assert.True(trips.Count == expectedRoundTrips, trips.Describe());
        return response;
    }

    private async Task<(HttpClient Client, Guid PostId)> AuthorWithAPostAsync()
    {
        var user = await factory.RegisterAsync();
        var client = factory.CreateClientWithToken(user.Token);
        var post = await client.CreatePostAsync();
        return (client, post.GetProperty("id").GetGuid());
    }

    [Fact]
    public async Task Registering_is_one_round_trip()
    {
        using var client = factory.CreateClient();
        var username = "rt_" + Guid.NewGuid().ToString("N")[..12];
        using var response = await SendAsync(1, HttpStatusCode.Created,
            () => client.PostAsJsonAsync("/api/v1/auth/register", new { email = $"{username}@example.com", password = ApiClientExtensions.Password, username }));
        using var taken = await SendAsync(1, HttpStatusCode.Conflict,
            () => client.PostAsJsonAsync("/api/v1/auth/register", new { email = $"{username}@example.com", password = ApiClientExtensions.Password, username }));
    }

    [Fact]
    public async Task Signing_in_is_one_round_trip()
    {
        var user = await factory.RegisterAsync();
        using var client = factory.CreateClient();
        using var response = await SendAsync(1, HttpStatusCode.OK,
            () => client.PostAsJsonAsync("/api/v1/auth/login", new { email = user.Email, password = user.Password }));
    }

    [Fact]
    public async Task Reading_my_account_is_one_round_trip()
    {
        var user = await factory.RegisterAsync();
        using var client = factory.CreateClientWithToken(user.Token);
        using var response = await SendAsync(1, HttpStatusCode.OK, () => client.GetAsync("/api/v1/auth/me"));
    }

    [Fact]
    public async Task Logging_out_is_one_round_trip()
    {
        var user = await factory.RegisterAsync();
        using var client = factory.CreateClientWithToken(user.Token);
        using var response = await SendAsync(1, HttpStatusCode.NoContent, () => client.DeleteAsync("/api/v1/auth/logout"));
        using var again = await SendAsync(1, HttpStatusCode.Unauthorized, () => client.DeleteAsync("/api/v1/auth/logout"));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Reading_the_timeline_is_one_round_trip(bool withToken)
    {
        var (author, _) = await AuthorWithAPostAsync();
        using (author)
        {
            await author.CreatePostAsync("a second one");
            var user = await factory.RegisterAsync();
            using var client = withToken ? factory.CreateClientWithToken(user.Token) : factory.CreateClient();
            using var first = await SendAsync(1, HttpStatusCode.OK, () => client.GetAsync("/api/v1/posts?limit=1"));
            var cursor = (await first.ReadJsonAsync()).GetProperty("next_cursor").GetString();
            using var next = await SendAsync(1, HttpStatusCode.OK, () => client.GetAsync($"/api/v1/posts?limit=1&cursor={cursor}"));
            using var byAuthor = await SendAsync(1, HttpStatusCode.OK, () => client.GetAsync($"/api/v1/posts?author_id={user.Id}"));
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Reading_a_post_is_one_round_trip(bool withToken)
    {
        var (author, postId) = await AuthorWithAPostAsync();
        using (author)
        {
            var user = await factory.RegisterAsync();
            using var client = withToken ? factory.CreateClientWithToken(user.Token) : factory.CreateClient();
            using var found = await SendAsync(1, HttpStatusCode.OK, () => client.GetAsync($"/api/v1/posts/{postId}"));
            using var missing = await SendAsync(1, HttpStatusCode.NotFound, () => client.GetAsync($"/api/v1/posts/{Guid.CreateVersion7()}"));
        }
    }

    [Fact]
    public async Task Creating_a_post_is_one_round_trip()
    {
        var user = await factory.RegisterAsync();
        using var client = factory.CreateClientWithToken(user.Token);
        using var response = await SendAsync(1, HttpStatusCode.Created, () => client.PostAsJsonAsync("/api/v1/posts", new { content = "counted" }));
    }

    [Fact]
    public async Task Editing_a_post_is_one_round_trip_whether_it_is_allowed_or_not()
    {
        var (client, postId) = await AuthorWithAPostAsync();
        using (client)
        {
            var other = await factory.RegisterAsync();
            using var stranger = factory.CreateClientWithToken(other.Token);
            using var edited = await SendAsync(1, HttpStatusCode.OK, () => client.PutAsJsonAsync($"/api/v1/posts/{postId}", new { content = "edited" }));
            using var invalid = await SendAsync(1, HttpStatusCode.UnprocessableEntity, () => client.PutAsJsonAsync($"/api/v1/posts/{postId}", new { content = " " }));
            using var forbidden = await SendAsync(1, HttpStatusCode.Forbidden, () => stranger.PutAsJsonAsync($"/api/v1/posts/{postId}", new { content = "mine now" }));
            using var missing = await SendAsync(1, HttpStatusCode.NotFound, () => client.PutAsJsonAsync($"/api/v1/posts/{Guid.CreateVersion7()}", new { content = "x" }));
        }
    }

    [Fact]
    public async Task Deleting_a_post_is_one_round_trip_whether_it_is_allowed_or_not()
    {
        var (client, postId) = await AuthorWithAPostAsync();
        using (client)
        {
            var other = await factory.RegisterAsync();
            using var stranger = factory.CreateClientWithToken(other.Token);
            using var forbidden = await SendAsync(1, HttpStatusCode.Forbidden, () => stranger.DeleteAsync($"/api/v1/posts/{postId}"));
            using var deleted = await SendAsync(1, HttpStatusCode.NoContent, () => client.DeleteAsync($"/api/v1/posts/{postId}"));
            using var missing = await SendAsync(1, HttpStatusCode.NotFound, () => client.DeleteAsync($"/api/v1/posts/{postId}"));
        }
    }

    [Fact]
    public async Task Asking_for_an_upload_url_is_one_round_trip_for_its_token()
    {
        var user = await factory.RegisterAsync();
        using var client = factory.CreateClientWithToken(user.Token);
        using var response = await SendAsync(1, HttpStatusCode.Created,
            () => client.PostAsJsonAsync("/api/v1/posts/upload-url", new { content_type = "image/png", content_length = 100 }));
    }

    [Fact]
    public async Task Liking_and_unliking_are_one_round_trip_each()
    {
        var (author, postId) = await AuthorWithAPostAsync();
        using (author)
        {
            var user = await factory.RegisterAsync();
            using var client = factory.CreateClientWithToken(user.Token);
            using var liked = await SendAsync(1, HttpStatusCode.Created, () => client.PostAsync($"/api/v1/posts/{postId}/likes", null));
            using var again = await SendAsync(1, HttpStatusCode.OK, () => client.PostAsync($"/api/v1/posts/{postId}/likes", null));
            using var unliked = await SendAsync(1, HttpStatusCode.OK, () => client.DeleteAsync($"/api/v1/posts/{postId}/likes"));
            using var missing = await SendAsync(1, HttpStatusCode.NotFound, () => client.PostAsync($"/api/v1/posts/{Guid.CreateVersion7()}/likes", null));
        }
    }

    [Fact]
    public async Task Commenting_and_deleting_a_comment_are_one_round_trip_each()
    {
        var (author, postId) = await AuthorWithAPostAsync();
        using (author)
        {
            var user = await factory.RegisterAsync();
            using var client = factory.CreateClientWithToken(user.Token);
            using var created = await SendAsync(1, HttpStatusCode.Created, () => client.PostAsJsonAsync($"/api/v1/posts/{postId}/comments", new { content = "counted" }));
            var commentId = (await created.ReadJsonAsync()).GetProperty("id").GetGuid();
            using var forbidden = await SendAsync(1, HttpStatusCode.Forbidden, () => author.DeleteAsync($"/api/v1/comments/{commentId}"));
            using var deleted = await SendAsync(1, HttpStatusCode.NoContent, () => client.DeleteAsync($"/api/v1/comments/{commentId}"));
            using var missing = await SendAsync(1, HttpStatusCode.NotFound, () => client.DeleteAsync($"/api/v1/comments/{commentId}"));
        }
    }

    [Theory]
    [InlineData("likes")]
    [InlineData("comments")]
    public async Task Listing_a_posts_likes_or_comments_is_one_round_trip_empty_or_not(string list)
    {
        var (author, postId) = await AuthorWithAPostAsync();
        using (author)
        {
            using var client = factory.CreateClientWithToken((await factory.RegisterAsync()).Token);
            using var empty = await SendAsync(1, HttpStatusCode.OK, () => client.GetAsync($"/api/v1/posts/{postId}/{list}"));
            using var missing = await SendAsync(1, HttpStatusCode.NotFound, () => client.GetAsync($"/api/v1/posts/{Guid.CreateVersion7()}/{list}"));
            using (list == "likes" ? await author.PostAsync($"/api/v1/posts/{postId}/likes", null) : await author.PostAsJsonAsync($"/api/v1/posts/{postId}/comments", new { content = "c" }))
            {
            }

            using var full = await SendAsync(1, HttpStatusCode.OK, () => client.GetAsync($"/api/v1/posts/{postId}/{list}"));
        }
    }

    [Fact]
    public async Task An_invalid_body_costs_one_round_trip_for_its_token_and_an_anonymous_one_none()
    {
        var user = await factory.RegisterAsync();
        using var client = factory.CreateClientWithToken(user.Token);
        using var anonymous = factory.CreateClient();
        using var invalidPost = await SendAsync(1, HttpStatusCode.UnprocessableEntity, () => client.PostAsJsonAsync("/api/v1/posts", new { content = "" }));
        using var notJson = await SendAsync(1, HttpStatusCode.BadRequest,
            () => client.PostAsync("/api/v1/posts", new StringContent("{", Encoding.UTF8, "application/json")));
        using var badPage = await SendAsync(1, HttpStatusCode.UnprocessableEntity, () => client.GetAsync("/api/v1/posts?limit=0"));
        using var anonymousBadPage = await SendAsync(0, HttpStatusCode.UnprocessableEntity, () => anonymous.GetAsync("/api/v1/posts?limit=0"));
        using var badList = await SendAsync(0, HttpStatusCode.UnprocessableEntity, () => client.GetAsync($"/api/v1/posts/{Guid.CreateVersion7()}/likes?limit=0"));
    }

    [Fact]
    public async Task Health_is_one_round_trip_and_aliveness_none()
    {
        using var client = factory.CreateClient();
        using var health = await SendAsync(1, HttpStatusCode.OK, () => client.GetAsync("/health"));
        using var alive = await SendAsync(0, HttpStatusCode.OK, () => client.GetAsync("/alive"));
    }
}
