using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using SocialMedia.Tests.Infrastructure;

namespace SocialMedia.Tests.Api;

public sealed class PostsTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task Creating_a_post_returns_it_with_its_author_and_a_location()
    {
        var user = await factory.RegisterAsync();
        using var client = factory.CreateClientWithToken(user.Token);
        using var response = await client.PostAsJsonAsync("/api/v1/posts", new { content = "<b>hello</b> & welcome" });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var post = await response.ReadJsonAsync();
        var id = post.GetProperty("id").GetGuid();
        Assert.Equal(7, id.Version);
        Assert.Equal($"/api/v1/posts/{id}", response.Headers.Location?.OriginalString);
        Assert.Equal(
            ["author", "comments_count", "content", "created_at", "id", "image_key", "image_url", "liked_by_me", "likes_count", "updated_at"],
            post.EnumerateObject().Select(p => p.Name).Order().ToArray());
        Assert.Equal("<b>hello</b> & welcome", post.GetProperty("content").GetString()); // stored as given
        Assert.Equal(JsonValueKind.Null, post.GetProperty("image_url").ValueKind);
        Assert.Equal(JsonValueKind.Null, post.GetProperty("image_key").ValueKind);
        Assert.Equal(0, post.GetProperty("likes_count").GetInt32());
        Assert.Equal(0, post.GetProperty("comments_count").GetInt32());
        Assert.False(post.GetProperty("liked_by_me").GetBoolean());
        var author = post.GetProperty("author");
        Assert.Equal(["avatar_url", "id", "username"], author.EnumerateObject().Select(p => p.Name).Order().ToArray());
        Assert.Equal(user.Id, author.GetProperty("id").GetGuid());
        Assert.Equal(user.Username, author.GetProperty("username").GetString());
        Assert.Matches(ApiClientExtensions.TimestampPattern(), post.GetProperty("created_at").GetString()!);

        using var anonymous = factory.CreateClient();
        var fetched = await anonymous.GetJsonAsync($"/api/v1/posts/{id}");
        Assert.Equal(post.ToString(), fetched.ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("   \n\t ")]
    [InlineData(null)]
    public async Task Empty_or_blank_content_is_a_422_naming_content(string? content)
    {
        var user = await factory.RegisterAsync();
        using var client = factory.CreateClientWithToken(user.Token);
        using var response = await client.PostAsJsonAsync("/api/v1/posts", new { content });
        Assert.Equal(["content"], (await response.AssertProblemAsync(HttpStatusCode.UnprocessableEntity)).ErrorFields());
    }

    [Fact]
    public async Task Text_in_any_script_is_sent_as_utf8_with_html_characters_still_escaped()
    {
        var user = await factory.RegisterAsync();
        using var client = factory.CreateClientWithToken(user.Token);
        const string text = "こんにちは、世界 — héllo";
        var post = await client.CreatePostAsync($"{text} <b>");
        var id = post.GetProperty("id").GetGuid();

        foreach (var path in new[] { $"/api/v1/posts/{id}", "/api/v1/posts?limit=5" })
        {
            using var response = await client.GetAsync(path);
            Assert.Equal("utf-8", response.Content.Headers.ContentType?.CharSet);
            var raw = Encoding.UTF8.GetString(await response.Content.ReadAsByteArrayAsync());
            Assert.Contains($"\"{text} \\u003Cb\\u003E\"", raw, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Json_answers_give_their_length_up_front_rather_than_in_chunks()
    {
        var user = await factory.RegisterAsync();
        using var client = factory.CreateClientWithToken(user.Token);
        using var created = await client.PostAsJsonAsync("/api/v1/posts", new { content = "長さの分かる答え" });
        await AssertFramedByLengthAsync(created, HttpStatusCode.Created);

        using var page = await client.GetAsync("/api/v1/posts?limit=5");
        await AssertFramedByLengthAsync(page, HttpStatusCode.OK);

        static async Task AssertFramedByLengthAsync(HttpResponseMessage response, HttpStatusCode expected)
        {
            Assert.Equal(expected, response.StatusCode);
            Assert.NotEqual(true, response.Headers.TransferEncodingChunked);
            // The header as the server sent it (the ContentLength property would compute one itself).
            Assert.True(response.Content.Headers.TryGetValues("Content-Length", out var values), "no Content-Length");
            var body = await response.Content.ReadAsByteArrayAsync();
            Assert.Equal(body.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), Assert.Single(values));
        }
    }

    [Fact]
    public async Task Content_is_limited_to_280_characters_as_people_count_them()
    {
        var user = await factory.RegisterAsync();
        using var client = factory.CreateClientWithToken(user.Token);

        // 280 flags: 280 characters to a reader, 560 UTF-16 units, within the byte bound.
        var flags = string.Concat(Enumerable.Repeat("🇯🇵", 280));
        var accepted = await client.CreatePostAsync(flags);
        Assert.Equal(flags, accepted.GetProperty("content").GetString());

        using var tooLong = await client.PostAsJsonAsync("/api/v1/posts", new { content = new string('a', 281) });
        Assert.Equal(["content"], (await tooLong.AssertProblemAsync(HttpStatusCode.UnprocessableEntity)).ErrorFields());
    }

    [Fact]
    public async Task Creating_a_post_needs_a_token()
    {
        using var client = factory.CreateClient();
        using var response = await client.PostAsJsonAsync("/api/v1/posts", new { content = "hi" });
        await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task An_unknown_or_malformed_post_id_is_a_404()
    {
        using var client = factory.CreateClient();
        using var unknown = await client.GetAsync($"/api/v1/posts/{Guid.CreateVersion7()}");
        await unknown.AssertProblemAsync(HttpStatusCode.NotFound);
        using var malformed = await client.GetAsync("/api/v1/posts/not-a-uuid");
        await malformed.AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task The_author_can_edit_a_post_and_others_cannot()
    {
        var author = await factory.RegisterAsync();
        var other = await factory.RegisterAsync();
        using var authorClient = factory.CreateClientWithToken(author.Token);
        using var otherClient = factory.CreateClientWithToken(other.Token);
        var post = await authorClient.CreatePostAsync("first draft");
        var id = post.GetProperty("id").GetGuid();

        using var forbidden = await otherClient.PutAsJsonAsync($"/api/v1/posts/{id}", new { content = "hijacked" });
        await forbidden.AssertProblemAsync(HttpStatusCode.Forbidden);

        using var invalid = await authorClient.PutAsJsonAsync($"/api/v1/posts/{id}", new { content = " " });
        Assert.Equal(["content"], (await invalid.AssertProblemAsync(HttpStatusCode.UnprocessableEntity)).ErrorFields());

        using var missing = await authorClient.PutAsJsonAsync($"/api/v1/posts/{Guid.CreateVersion7()}", new { content = "x" });
        await missing.AssertProblemAsync(HttpStatusCode.NotFound);

        await Task.Delay(5); // so updated_at can differ from created_at at millisecond precision
        using var ok = await authorClient.PutAsJsonAsync($"/api/v1/posts/{id}", new { content = "final" });
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        var updated = await ok.ReadJsonAsync();
        Assert.Equal("final", updated.GetProperty("content").GetString());
        Assert.Equal(post.GetProperty("created_at").GetString(), updated.GetProperty("created_at").GetString());
        Assert.True(string.CompareOrdinal(updated.GetProperty("updated_at").GetString(), post.GetProperty("updated_at").GetString()) > 0);

        var fetched = await authorClient.GetJsonAsync($"/api/v1/posts/{id}");
        Assert.Equal("final", fetched.GetProperty("content").GetString());
    }

    [Fact]
    public async Task The_author_can_delete_a_post_with_its_likes_and_comments_and_others_cannot()
    {
        var author = await factory.RegisterAsync();
        var other = await factory.RegisterAsync();
        using var authorClient = factory.CreateClientWithToken(author.Token);
        using var otherClient = factory.CreateClientWithToken(other.Token);
        var id = (await authorClient.CreatePostAsync()).GetProperty("id").GetGuid();
        (await otherClient.PostAsync($"/api/v1/posts/{id}/likes", null)).Dispose();
        (await otherClient.PostAsJsonAsync($"/api/v1/posts/{id}/comments", new { content = "nice" })).Dispose();

        using var forbidden = await otherClient.DeleteAsync($"/api/v1/posts/{id}");
        await forbidden.AssertProblemAsync(HttpStatusCode.Forbidden);

        using var deleted = await authorClient.DeleteAsync($"/api/v1/posts/{id}");
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);

        using var gone = await authorClient.GetAsync($"/api/v1/posts/{id}");
        await gone.AssertProblemAsync(HttpStatusCode.NotFound);
        using var likes = await authorClient.GetAsync($"/api/v1/posts/{id}/likes");
        await likes.AssertProblemAsync(HttpStatusCode.NotFound);
        using var comments = await authorClient.GetAsync($"/api/v1/posts/{id}/comments");
        await comments.AssertProblemAsync(HttpStatusCode.NotFound);
        using var again = await authorClient.DeleteAsync($"/api/v1/posts/{id}");
        await again.AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task The_timeline_is_newest_first_and_can_be_narrowed_to_one_author()
    {
        var author = await factory.RegisterAsync();
        using var client = factory.CreateClientWithToken(author.Token);
        var ids = new List<Guid>();
        for (var i = 0; i < 3; i++)
        {
            // Timestamps have millisecond precision, and posts of the same millisecond are ordered by
            // their (random-tailed) UUIDv7 ids: a fast build can create two in one millisecond.
            await Task.Delay(5);
            ids.Add((await client.CreatePostAsync($"post {i}")).GetProperty("id").GetGuid());
        }

        var page = await client.GetJsonAsync($"/api/v1/posts?author_id={author.Id}");
        Assert.Equal(ids.AsEnumerable().Reverse(), page.GetProperty("data").EnumerateArray().Select(p => p.GetProperty("id").GetGuid()));
        Assert.Equal(JsonValueKind.Null, page.GetProperty("next_cursor").ValueKind);

        var timeline = await client.GetJsonAsync("/api/v1/posts?limit=100");
        var createdAt = timeline.GetProperty("data").EnumerateArray().Select(p => p.GetProperty("created_at").GetString()!).ToList();
        Assert.Equal(createdAt.OrderDescending(StringComparer.Ordinal), createdAt);
    }

    [Theory]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=101", "limit")]
    [InlineData("limit=abc", "limit")]
    [InlineData("limit=-1", "limit")]
    [InlineData("cursor=garbage", "cursor")]
    [InlineData("cursor=AgAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "cursor")] // a future format version
    [InlineData("cursor=AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "cursor")]   // too short
    [InlineData("author_id=nope", "author_id")]
    public async Task Bad_paging_parameters_are_a_422_naming_them(string query, string field)
    {
        using var client = factory.CreateClient();
        using var response = await client.GetAsync($"/api/v1/posts?{query}");
        Assert.Equal([field], (await response.AssertProblemAsync(HttpStatusCode.UnprocessableEntity)).ErrorFields());
    }

    [Fact]
    public async Task Paging_visits_every_post_once_while_new_posts_keep_arriving()
    {
        var author = await factory.RegisterAsync();
        using var client = factory.CreateClientWithToken(author.Token);
        var original = new HashSet<Guid>();
        for (var i = 0; i < 25; i++)
        {
            original.Add((await client.CreatePostAsync($"p{i}")).GetProperty("id").GetGuid());
        }

        var seen = new List<Guid>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await client.GetJsonAsync($"/api/v1/posts?author_id={author.Id}&limit=4" + (cursor is null ? "" : $"&cursor={cursor}"));
            seen.AddRange(page.GetProperty("data").EnumerateArray().Select(p => p.GetProperty("id").GetGuid()));
            cursor = page.GetProperty("next_cursor").GetString();
            // Newer posts land at the head of the timeline while we read further down.
            await client.CreatePostAsync("arrived while paging");
            pages++;
        }
        while (cursor is not null);

        Assert.Equal(7, pages);
        Assert.Equal(seen.Count, seen.Distinct().Count());
        Assert.Equal(original.OrderBy(g => g), seen.OrderBy(g => g));
    }

    [Fact]
    public async Task Liked_by_me_reflects_the_caller_and_is_false_for_anonymous_callers()
    {
        var author = await factory.RegisterAsync();
        var fan = await factory.RegisterAsync();
        using var authorClient = factory.CreateClientWithToken(author.Token);
        using var fanClient = factory.CreateClientWithToken(fan.Token);
        using var anonymous = factory.CreateClient();
        var id = (await authorClient.CreatePostAsync()).GetProperty("id").GetGuid();
        (await fanClient.PostAsync($"/api/v1/posts/{id}/likes", null)).Dispose();

        Assert.True((await fanClient.GetJsonAsync($"/api/v1/posts/{id}")).GetProperty("liked_by_me").GetBoolean());
        Assert.False((await authorClient.GetJsonAsync($"/api/v1/posts/{id}")).GetProperty("liked_by_me").GetBoolean());
        Assert.False((await anonymous.GetJsonAsync($"/api/v1/posts/{id}")).GetProperty("liked_by_me").GetBoolean());

        var fanTimeline = await fanClient.GetJsonAsync($"/api/v1/posts?author_id={author.Id}");
        var listed = fanTimeline.GetProperty("data").EnumerateArray().Single();
        Assert.True(listed.GetProperty("liked_by_me").GetBoolean());
        Assert.Equal(1, listed.GetProperty("likes_count").GetInt32());
    }

    [Fact]
    public async Task A_bad_token_on_a_public_read_is_a_401_rather_than_silently_anonymous()
    {
        using var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "expired.or.forged");
        using var response = await client.GetAsync("/api/v1/posts");
        await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task An_update_with_nothing_to_change_is_a_422()
    {
        var user = await factory.RegisterAsync();
        using var client = factory.CreateClientWithToken(user.Token);
        var id = (await client.CreatePostAsync()).GetProperty("id").GetGuid();
        using var response = await client.PutAsync($"/api/v1/posts/{id}", new StringContent("{}", Encoding.UTF8, "application/json"));
        await response.AssertProblemAsync(HttpStatusCode.UnprocessableEntity);
    }

    [Fact]
    public async Task Posting_with_the_token_of_a_deleted_account_is_a_401_not_a_500()
    {
        var user = await factory.RegisterAsync();
        await using (var connection = new Npgsql.NpgsqlConnection(factory.ConnectionString))
        {
            await connection.OpenAsync();
            await using var delete = new Npgsql.NpgsqlCommand("DELETE FROM users WHERE id = @id", connection);
            delete.Parameters.AddWithValue("id", user.Id);
            Assert.Equal(1, await delete.ExecuteNonQueryAsync());
        }

        using var client = factory.CreateClientWithToken(user.Token);
        using var response = await client.PostAsJsonAsync("/api/v1/posts", new { content = "from beyond" });
        await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
    }
}
