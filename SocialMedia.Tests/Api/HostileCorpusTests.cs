using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using CsCheck;
using Npgsql;
using SocialMedia.Tests.Infrastructure;

namespace SocialMedia.Tests.Api;

/// <summary>
/// A generated corpus of hostile requests across every endpoint: bodies with control characters,
/// lone surrogates, combining-mark floods, wrong JSON types, absurd numbers, deep nesting, broken
/// JSON and bytes that are not UTF-8; ids and query values that are not what they should be;
/// tokens that are not tokens. Whatever comes in, the answer is never a 5xx, every refusal is a
/// problem body, and a refused request leaves no row behind. CsCheck generates a new corpus each run
/// (CI pins one with CsCheck_Seed, .ci/run) and
/// prints the seed of a failing one, so it replays.
/// </summary>
public sealed class HostileCorpusTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    private const int RequestCount = 10_000;

    /// <summary>Pieces of JSON string literals, written as they go on the wire (escapes included).</summary>
    private static readonly string[] s_fragments =
    [
        "hello", "", " ", "\\u0000", "\\u0001", "\\u0008", "\\u001f", "\\u007f", "\\t", "\\n", "\\r",
        "\\ud800", "\\udfff", "\\ud83d", "\\uffff", "\\ufeff", "\\u202e", "\\u200b",
        "é", "e\u0301\u0301\u0301\u0301", "👨‍👩‍👧‍👦", "🏳️‍🌈", "\U000E0041\U000E0042\U000E0043",
        "' OR 1=1 --", "'); DROP TABLE posts; --", "<script>alert(1)</script>", "%00", "../../etc/passwd",
        "${jndi:ldap://x/a}", "\\\"", "\\\\", "{\\\"a\\\":1}", "user@example.com", "a@b", "@", "x".PadRight(73, 'x'),
        "posts/00000000-0000-0000-0000-000000000000/00000000-0000-0000-0000-000000000000.png",
        "image/png", "image/svg+xml", "text/html",
        new string('a', 281), new string('a', 5_000), string.Concat(Enumerable.Repeat("é", 2_100)),
        "a" + string.Concat(Enumerable.Repeat("\u0301", 3_000)), string.Concat(Enumerable.Repeat("🏳️‍🌈", 300)),
    ];

    private static readonly Gen<string> s_string =
        Gen.Int[1, 4].SelectMany(n => Gen.OneOf(s_fragments).Array[n]).Select(parts => "\"" + string.Concat(parts) + "\"");

    private static readonly Gen<string> s_value = Gen.Frequency(
        (8, s_string),
        (2, Gen.OneOf("0", "-1", "1", "1.5", "1e400", "-0", "9223372036854775808", "10485761", "10485760", "NaN")),
        (2, Gen.OneOf("true", "false", "null", "{}", "[]", "[\"a\"]", "{\"content\":\"x\"}")),
        (1, Gen.Const(new string('[', 200) + new string(']', 200))),
        (1, Gen.Const("\"" + Guid.NewGuid() + "\"")));

    private static readonly string[] s_fields = ["email", "password", "username", "bio", "content", "image_key", "content_type", "content_length", "extra", ""];

    private static readonly Gen<string> s_object =
        Gen.Int[0, 5].SelectMany(n => Gen.Select(Gen.OneOf(s_fields), s_value).Array[n])
            .Select(pairs => "{" + string.Join(",", pairs.Select(p => $"\"{p.Item1}\":{p.Item2}")) + "}");

    /// <summary>Bodies: mostly objects, some not JSON at all, some not UTF-8.</summary>
    private static readonly Gen<byte[]> s_body = Gen.Frequency(
        (12, s_object.Select(Encoding.UTF8.GetBytes)),
        (2, Gen.OneOf("", "{", "}", "null", "[]", "\"str\"", "{\"content\":", "{\"content\":\"abc", "{'content':'x'}", "\uFEFF{}")
            .Select(Encoding.UTF8.GetBytes)),
        (1, Gen.OneOf<byte[]>([0x7B, 0x22, 0x63, 0x22, 0x3A, 0x22, 0xC3, 0x28, 0x22, 0x7D], [0xFF, 0xFE, 0x00], [0x7B, 0x22, 0x63, 0x6F, 0x6E, 0x74, 0x65, 0x6E, 0x74, 0x22, 0x3A, 0x22, 0xED, 0xA0, 0x80, 0x22, 0x7D])));

    private static readonly Gen<string> s_queryValue = Gen.OneOf(
        "", "0", "-1", "101", "20", "abc", "%00", "%FF", "%C3%28", "' OR 1=1", "9999999999999999999",
        "eyJhIjoxfQ", "MjAyNi0wMS0wMQ", Uri.EscapeDataString(new string('x', 3000)), Guid.NewGuid().ToString(), "00000000-0000-0000-0000-000000000000");

    private static readonly Gen<string> s_query =
        Gen.Int[0, 3].SelectMany(n => Gen.Select(Gen.OneOf("limit", "cursor", "author_id", "x"), s_queryValue).Array[n])
            .Select(pairs => pairs.Length == 0 ? "" : "?" + string.Join("&", pairs.Select(p => $"{p.Item1}={p.Item2}")));

    private sealed record Hostile(string Method, string Path, byte[]? Body, string? ContentType, int Token)
    {
        public override string ToString() =>
            $"{Method} {Path} token#{Token} {ContentType} {(Body is null ? "" : Shortened(Encoding.UTF8.GetString(Body)))}";

        private static string Shortened(string text) => text.Length <= 300 ? text : text[..300] + "…";
    }

    private static Gen<Hostile> Requests(string ownPost, string otherPost)
    {
        var id = Gen.OneOf(ownPost, otherPost, Guid.NewGuid().ToString(), "abc", "%20", "1%20OR%201%3D1", "..%2F..", new string('9', 400), "00000000-0000-0000-0000-000000000000");
        var contentType = Gen.Frequency((12, Gen.Const<string?>("application/json")), (1, Gen.OneOf<string?>("text/plain", "application/json; charset=latin1", "application/x-www-form-urlencoded", null)));
        var token = Gen.Frequency((10, Gen.Const(0)), (1, Gen.Int[1, 4]));
        Gen<Hostile> WithBody(string method, Gen<string> path) =>
            Gen.Select(path, s_body, contentType, token, (p, b, c, t) => new Hostile(method, p, b, c, t));
        Gen<Hostile> WithoutBody(string method, Gen<string> path) =>
            Gen.Select(path, token, (p, t) => new Hostile(method, p, null, null, t));

        return Gen.OneOf(
            WithBody("POST", Gen.Const("/api/v1/auth/register")),
            WithBody("POST", Gen.Const("/api/v1/auth/login")),
            WithBody("POST", Gen.Const("/api/v1/posts")),
            WithBody("POST", Gen.Const("/api/v1/posts/upload-url")),
            WithBody("PUT", id.Select(i => $"/api/v1/posts/{i}")),
            WithBody("POST", id.Select(i => $"/api/v1/posts/{i}/comments")),
            WithoutBody("POST", id.Select(i => $"/api/v1/posts/{i}/likes")),
            WithoutBody("DELETE", id.Where(i => i != ownPost).Select(i => $"/api/v1/posts/{i}/likes")),
            WithoutBody("DELETE", id.Where(i => i != ownPost && i != otherPost).Select(i => $"/api/v1/posts/{i}")),
            WithoutBody("DELETE", id.Select(i => $"/api/v1/comments/{i}")),
            WithoutBody("GET", s_query.Select(q => "/api/v1/posts" + q)),
            WithoutBody("GET", Gen.Select(id, s_query, (i, q) => $"/api/v1/posts/{i}/comments{q}")),
            WithoutBody("GET", Gen.Select(id, s_query, (i, q) => $"/api/v1/posts/{i}/likes{q}")),
            WithoutBody("GET", id.Select(i => $"/api/v1/posts/{i}")),
            WithoutBody("GET", Gen.Const("/api/v1/auth/me")));
    }

    [Fact]
    public async Task Ten_thousand_hostile_requests_get_no_5xx_and_leave_no_row_behind_when_refused()
    {
        var user = await factory.RegisterAsync();
        var other = await factory.RegisterAsync();
        using var ownClient = factory.CreateClientWithToken(user.Token);
        using var otherClient = factory.CreateClientWithToken(other.Token);
        var ownPost = (await ownClient.CreatePostAsync("mine")).GetProperty("id").GetString()!;
        var otherPost = (await otherClient.CreatePostAsync("theirs")).GetProperty("id").GetString()!;
        string?[] tokens = [user.Token, null, "garbage", user.Token + "x", "eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0."];
        using var client = factory.CreateClient();
        await using var database = NpgsqlDataSource.Create(factory.ConnectionString);
        var rows = await CountRowsAsync(database);
        var seen = 0;

        await Requests(ownPost, otherPost).SampleAsync(async request =>
        {
            using var message = new HttpRequestMessage(new HttpMethod(request.Method), request.Path);
            if (tokens[request.Token] is { } token)
            {
                message.Headers.TryAddWithoutValidation("Authorization", "Bearer " + token);
            }

            if (request.Body is not null)
            {
                message.Content = new ByteArrayContent(request.Body);
                if (request.ContentType is not null)
                {
                    message.Content.Headers.TryAddWithoutValidation("Content-Type", request.ContentType);
                }
            }

            using var response = await client.SendAsync(message);
            var body = await response.Content.ReadAsStringAsync();
            var status = (int)response.StatusCode;
            Assert.True(status < 500, $"{status} for {request}: {body}");
            var after = await CountRowsAsync(database);
            if (status is 414 or 431)
            {
                // Kestrel refuses an over-long request line or header block before any app code
                // runs (as API Gateway does in AWS): a bare status, and nothing written.
                Assert.True(after == rows, $"{status} for {request} changed the rows");
            }
            else if (status >= 400)
            {
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
                using var problem = JsonDocument.Parse(body);
                Assert.Equal(status, problem.RootElement.GetProperty("status").GetInt32());
                if (status == 422)
                {
                    Assert.NotEmpty(problem.RootElement.GetProperty("errors").EnumerateObject());
                }

                Assert.True(after == rows, $"{status} for {request} changed the rows: {rows} → {after}");
            }

            rows = after;
            Interlocked.Increment(ref seen);
        }, iter: RequestCount, threads: 1, print: r => r.ToString());

        Assert.Equal(RequestCount, seen);
        await AssertCountersExactAsync(database);
    }

    private static async Task<string> CountRowsAsync(NpgsqlDataSource database)
    {
        await using var command = database.CreateCommand("""
            SELECT (SELECT count(*) FROM users) || '/' || (SELECT count(*) FROM posts) || '/' || (SELECT count(*) FROM likes)
                || '/' || (SELECT count(*) FROM comments) || '/' || (SELECT count(*) FROM revoked_tokens)
                || '/' || (SELECT coalesce(sum(likes_count), 0) FROM posts) || '/' || (SELECT coalesce(sum(comments_count), 0) FROM posts)
                || '/' || (SELECT coalesce(string_agg(md5(content || coalesce(image_key, '')), '' ORDER BY id), '') FROM posts)
            """);
        return (string)(await command.ExecuteScalarAsync())!;
    }

    private static async Task AssertCountersExactAsync(NpgsqlDataSource database)
    {
        await using var command = database.CreateCommand("""
            SELECT count(*) FROM posts p
            WHERE p.likes_count <> (SELECT count(*) FROM likes l WHERE l.post_id = p.id)
               OR p.comments_count <> (SELECT count(*) FROM comments c WHERE c.post_id = p.id)
            """);
        Assert.Equal(0L, (long)(await command.ExecuteScalarAsync())!);
    }
}
