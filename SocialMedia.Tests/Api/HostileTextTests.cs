using System.Net;
using System.Net.Http.Json;
using SocialMedia.Tests.Infrastructure;

namespace SocialMedia.Tests.Api;

/// <summary>
/// Text PostgreSQL cannot store (U+0000), other control characters, and text that is short to a
/// reader but huge in bytes: each is a 422 naming the field, and nothing is written.
/// </summary>
public sealed class HostileTextTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    public static TheoryData<string> ControlCharacters => ["a\0b", "\0", "bell\u0007", "esc\u001b[31m", "del\u007f"];

    [Theory]
    [MemberData(nameof(ControlCharacters))]
    public async Task Control_characters_in_post_or_comment_content_are_a_422_and_write_nothing(string content)
    {
        var user = await factory.RegisterAsync();
        using var client = factory.CreateClientWithToken(user.Token);
        var post = await client.CreatePostAsync("a post to comment on");
        var postId = post.GetProperty("id").GetGuid();

        using var created = await client.PostAsJsonAsync("/api/v1/posts", new { content });
        Assert.Equal(["content"], (await created.AssertProblemAsync(HttpStatusCode.UnprocessableEntity)).ErrorFields());
        using var edited = await client.PutAsJsonAsync($"/api/v1/posts/{postId}", new { content });
        Assert.Equal(["content"], (await edited.AssertProblemAsync(HttpStatusCode.UnprocessableEntity)).ErrorFields());
        using var commented = await client.PostAsJsonAsync($"/api/v1/posts/{postId}/comments", new { content });
        Assert.Equal(["content"], (await commented.AssertProblemAsync(HttpStatusCode.UnprocessableEntity)).ErrorFields());

        var page = await client.GetJsonAsync($"/api/v1/posts?author_id={user.Id}");
        var only = Assert.Single(page.GetProperty("data").EnumerateArray());
        Assert.Equal("a post to comment on", only.GetProperty("content").GetString());
        Assert.Equal(0, only.GetProperty("comments_count").GetInt32());
    }

    [Fact]
    public async Task Tabs_and_line_breaks_stay_allowed_in_content()
    {
        var user = await factory.RegisterAsync();
        using var client = factory.CreateClientWithToken(user.Token);
        var post = await client.CreatePostAsync("line one\r\n\tline two");
        Assert.Equal("line one\r\n\tline two", post.GetProperty("content").GetString());
    }

    [Fact]
    public async Task Content_of_280_characters_is_still_refused_past_4000_bytes()
    {
        var user = await factory.RegisterAsync();
        using var client = factory.CreateClientWithToken(user.Token);

        // One character to a reader, 61 bytes of UTF-8: "e" and thirty combining accents.
        var heavy = "e" + string.Concat(Enumerable.Repeat("\u0301", 30));
        using var response = await client.PostAsJsonAsync("/api/v1/posts", new { content = string.Concat(Enumerable.Repeat(heavy, 200)) });
        var problem = await response.AssertProblemAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Equal(["content"], problem.ErrorFields());
        Assert.Contains("4,000 bytes", problem.ToString(), StringComparison.Ordinal);

        var fits = string.Concat(Enumerable.Repeat(heavy, 60)); // 3,660 bytes
        Assert.Equal(fits, (await client.CreatePostAsync(fits)).GetProperty("content").GetString());
    }

    [Fact]
    public async Task A_nul_in_the_registration_email_or_bio_or_the_login_email_is_a_422_naming_it()
    {
        using var client = factory.CreateClient();
        var name = $"u{Guid.NewGuid():N}"[..20];

        using var badEmail = await client.PostAsJsonAsync("/api/v1/auth/register",
            new { email = $"{name}\0@example.com", password = "password123", username = name });
        Assert.Equal(["email"], (await badEmail.AssertProblemAsync(HttpStatusCode.UnprocessableEntity)).ErrorFields());

        using var badBio = await client.PostAsJsonAsync("/api/v1/auth/register",
            new { email = $"{name}@example.com", password = "password123", username = name, bio = "hi\0" });
        Assert.Equal(["bio"], (await badBio.AssertProblemAsync(HttpStatusCode.UnprocessableEntity)).ErrorFields());

        using var login = await client.PostAsJsonAsync("/api/v1/auth/login", new { email = "x\0@example.com", password = "password123" });
        Assert.Equal(["email"], (await login.AssertProblemAsync(HttpStatusCode.UnprocessableEntity)).ErrorFields());

        // Neither refused registration left an account behind: the name is still free.
        using var good = await client.PostAsJsonAsync("/api/v1/auth/register",
            new { email = $"{name}@example.com", password = "password123", username = name, bio = "line\nbreak" });
        Assert.Equal(HttpStatusCode.Created, good.StatusCode);
    }
}
