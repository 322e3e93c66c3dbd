using System.Net;
using System.Net.Http.Json;
using Npgsql;
using SocialMedia.Tests.Infrastructure;

namespace SocialMedia.Tests.Api;

/// <summary>The API reaching its database through <see cref="AnswerLosingProxy"/>.</summary>
public sealed class AnswerLosingApiFactory : ApiFactory
{
    private AnswerLosingProxy? _proxy;

    public AnswerLosingProxy Proxy => _proxy ?? throw new InvalidOperationException("The API has not started yet.");

    protected override Task BeforeStartAsync()
    {
        var direct = new NpgsqlConnectionStringBuilder(ConnectionString);
        _proxy = new AnswerLosingProxy(direct.Host!, direct.Port);
        return Task.CompletedTask;
    }

    // Statements are matched by their SQL text, which Npgsql stops sending once it has prepared a
    // statement: no auto-preparation here (the API keeps a setting the string makes itself).
    protected override IEnumerable<KeyValuePair<string, string?>> ExtraSettings =>
    [
        new("ConnectionStrings:socialdb", new NpgsqlConnectionStringBuilder(ConnectionString) { Host = "127.0.0.1", Port = Proxy.Port, MaxAutoPrepare = 0 }.ConnectionString),
    ];

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (_proxy is not null)
        {
            await _proxy.DisposeAsync();
        }
    }
}

/// <summary>
/// The connection breaks after PostgreSQL committed a write and before its answer arrived: the API
/// retries (a transient failure), and the retry must not turn a success into an error or a double.
/// </summary>
public sealed class LostAnswerTests(AnswerLosingApiFactory factory) : IClassFixture<AnswerLosingApiFactory>
{
    [Fact]
    public async Task A_post_whose_answer_was_lost_after_commit_is_answered_201_and_exists_once()
    {
        var user = await factory.RegisterAsync();
        using var client = factory.CreateClientWithToken(user.Token);

        var lostBefore = factory.Proxy.AnswersLost;
        factory.Proxy.LoseTheAnswerTo("INSERT INTO posts");
        using var response = await client.PostAsJsonAsync("/api/v1/posts", new { content = "sent once, answered once" });

        Assert.Equal(lostBefore + 1, factory.Proxy.AnswersLost);
        var body = await response.ReadJsonAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, body.ToString());
        Assert.Equal("sent once, answered once", body.GetProperty("content").GetString());
        Assert.Equal(user.Username, body.GetProperty("author").GetProperty("username").GetString());

        var page = await client.GetJsonAsync($"/api/v1/posts?author_id={user.Id}");
        var only = Assert.Single(page.GetProperty("data").EnumerateArray());
        Assert.Equal(body.ToString(), only.ToString());
    }

    [Fact]
    public async Task An_account_whose_answer_was_lost_after_commit_is_answered_201_and_can_sign_in()
    {
        var username = "lost_" + Guid.NewGuid().ToString("N")[..8];
        using var client = factory.CreateClient();

        var lostBefore = factory.Proxy.AnswersLost;
        factory.Proxy.LoseTheAnswerTo("INSERT INTO users");
        using var response = await client.PostAsJsonAsync("/api/v1/auth/register", new { email = $"{username}@example.com", password = "long enough", username });

        Assert.Equal(lostBefore + 1, factory.Proxy.AnswersLost);
        var body = await response.ReadJsonAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, body.ToString());
        using var signedIn = factory.CreateClientWithToken(body.GetProperty("token").GetString()!);
        var me = await signedIn.GetJsonAsync("/api/v1/auth/me");
        Assert.Equal(username, me.GetProperty("username").GetString());
        Assert.Equal(body.GetProperty("user").GetProperty("id").GetGuid(), me.GetProperty("id").GetGuid());
    }

    [Fact]
    public async Task A_comment_whose_answer_was_lost_after_commit_is_answered_201_and_counted_once()
    {
        var user = await factory.RegisterAsync();
        using var client = factory.CreateClientWithToken(user.Token);
        var postId = (await client.CreatePostAsync()).GetProperty("id").GetGuid();

        var lostBefore = factory.Proxy.AnswersLost;
        factory.Proxy.LoseTheAnswerTo("INSERT INTO comments");
        using var response = await client.PostAsJsonAsync($"/api/v1/posts/{postId}/comments", new { content = "said once" });

        Assert.Equal(lostBefore + 1, factory.Proxy.AnswersLost);
        var body = await response.ReadJsonAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, body.ToString());
        var comments = await client.GetJsonAsync($"/api/v1/posts/{postId}/comments");
        var only = Assert.Single(comments.GetProperty("data").EnumerateArray());
        Assert.Equal(body.GetProperty("id").GetGuid(), only.GetProperty("id").GetGuid());
        Assert.Equal(1, (await client.GetJsonAsync($"/api/v1/posts/{postId}")).GetProperty("comments_count").GetInt32());
    }
}
