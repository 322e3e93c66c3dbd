using System.Text.Json;
using SocialMedia.Tests.Infrastructure;

namespace SocialMedia.Tests.Api;

public sealed class OpenApiTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    public static TheoryData<string, string, string> Operations() => new()
    {
        { "/api/v1/auth/register", "post", "201" },
        { "/api/v1/auth/login", "post", "200" },
        { "/api/v1/auth/logout", "delete", "204" },
        { "/api/v1/auth/me", "get", "200" },
        { "/api/v1/posts", "get", "200" },
        { "/api/v1/posts", "post", "201" },
        { "/api/v1/posts/{id}", "get", "200" },
        { "/api/v1/posts/{id}", "put", "200" },
        { "/api/v1/posts/{id}", "delete", "204" },
        { "/api/v1/posts/upload-url", "post", "201" },
        { "/api/v1/posts/{post_id}/likes", "post", "201" },
        { "/api/v1/posts/{post_id}/likes", "delete", "200" },
        { "/api/v1/posts/{post_id}/likes", "get", "200" },
        { "/api/v1/posts/{post_id}/comments", "get", "200" },
        { "/api/v1/posts/{post_id}/comments", "post", "201" },
        { "/api/v1/comments/{id}", "delete", "204" },
    };

    private async Task<JsonElement> DocumentAsync()
    {
        using var client = factory.CreateClient();
        return await client.GetJsonAsync("/openapi/v1.json");
    }

    [Fact]
    public async Task The_document_is_openapi_3_1_with_a_bearer_scheme()
    {
        var document = await DocumentAsync();
        Assert.StartsWith("3.1", document.GetProperty("openapi").GetString(), StringComparison.Ordinal);
        var bearer = document.GetProperty("components").GetProperty("securitySchemes").GetProperty("Bearer");
        Assert.Equal("http", bearer.GetProperty("type").GetString());
        Assert.Equal("bearer", bearer.GetProperty("scheme").GetString());
    }

    [Theory]
    [MemberData(nameof(Operations))]
    public async Task Every_endpoint_of_the_contract_is_described_with_its_success_status(string path, string method, string status)
    {
        var document = await DocumentAsync();
        var operation = document.GetProperty("paths").GetProperty(path).GetProperty(method);
        Assert.True(operation.GetProperty("responses").TryGetProperty(status, out _), $"{method} {path} lacks {status}");
    }

    [Fact]
    public async Task The_document_describes_nothing_the_contract_does_not()
    {
        var document = await DocumentAsync();
        var described = document.GetProperty("paths").EnumerateObject()
            .SelectMany(p => p.Value.EnumerateObject().Select(m => $"{m.Name} {p.Name}")).Order().ToArray();
        Assert.Equal(Operations().Select(row => $"{row[1]} {row[0]}").Order().ToArray(), described);
    }

    [Fact]
    public async Task Schemas_use_the_wire_names_and_errors_are_problem_details()
    {
        var document = await DocumentAsync();
        var post = document.GetProperty("components").GetProperty("schemas").GetProperty("PostResponse").GetProperty("properties");
        foreach (var name in new[] { "id", "content", "image_url", "image_key", "likes_count", "comments_count", "liked_by_me", "author", "created_at", "updated_at" })
        {
            Assert.True(post.TryGetProperty(name, out _), $"PostResponse lacks {name}");
        }

        var create = document.GetProperty("paths").GetProperty("/api/v1/posts").GetProperty("post");
        Assert.True(create.GetProperty("responses").GetProperty("422").GetProperty("content").TryGetProperty("application/problem+json", out _));
        Assert.True(create.TryGetProperty("security", out _));
        foreach (var status in new[] { "400", "401", "413", "415", "422", "503" })
        {
            var content = create.GetProperty("responses").GetProperty(status).GetProperty("content");
            Assert.Equal("#/components/schemas/Problem", content.GetProperty("application/problem+json").GetProperty("schema").GetProperty("$ref").GetString());
        }

        var list = document.GetProperty("paths").GetProperty("/api/v1/posts").GetProperty("get");
        var limit = list.GetProperty("parameters").EnumerateArray().Select(p => p.GetProperty("name").GetString()).ToArray();
        Assert.Contains("limit", limit);
        Assert.Contains("cursor", limit);
        Assert.Contains("author_id", limit);
    }

    [Fact]
    public async Task The_problem_schema_is_the_wire_shape_with_trace_id_and_field_errors()
    {
        var document = await DocumentAsync();
        var schemas = document.GetProperty("components").GetProperty("schemas");
        Assert.False(schemas.TryGetProperty("ProblemDetails", out _));
        var problem = schemas.GetProperty("Problem");
        var properties = problem.GetProperty("properties").EnumerateObject().Select(p => p.Name).Order().ToArray();
        Assert.Equal(["detail", "errors", "status", "title", "trace_id", "type"], properties);
        Assert.Equal(["type", "title", "status", "detail", "trace_id"], problem.GetProperty("required").EnumerateArray().Select(e => e.GetString()!).ToArray());

        // Every problem answer of every operation uses it, with an example of that status.
        foreach (var (name, operation) in OperationsOf(document))
        {
            foreach (var response in operation.GetProperty("responses").EnumerateObject().Where(r => r.Name[0] is '4' or '5'))
            {
                var media = response.Value.GetProperty("content").GetProperty("application/problem+json");
                Assert.Equal("#/components/schemas/Problem", media.GetProperty("schema").GetProperty("$ref").GetString());
                Assert.Equal(int.Parse(response.Name, System.Globalization.CultureInfo.InvariantCulture), media.GetProperty("example").GetProperty("status").GetInt32());
                Assert.True(media.GetProperty("example").TryGetProperty("trace_id", out _), $"{name} {response.Name}");
            }
        }
    }

    [Fact]
    public async Task Every_operation_may_answer_503_with_retry_after_and_the_rate_limited_ones_429()
    {
        var document = await DocumentAsync();
        foreach (var (name, operation) in OperationsOf(document))
        {
            var responses = operation.GetProperty("responses");
            Assert.True(responses.TryGetProperty("503", out var unavailable), $"{name} lacks 503");
            Assert.True(unavailable.GetProperty("headers").TryGetProperty("Retry-After", out _), $"{name}: 503 without Retry-After");
            var limited = name is "post /api/v1/auth/register" or "post /api/v1/auth/login";
            Assert.Equal(limited, responses.TryGetProperty("429", out var tooMany));
            if (limited)
            {
                Assert.True(tooMany.GetProperty("headers").TryGetProperty("Retry-After", out _), $"{name}: 429 without Retry-After");
            }
        }
    }

    [Fact]
    public async Task Bearer_security_is_required_optional_or_absent_exactly_as_the_routes_are()
    {
        var document = await DocumentAsync();
        var optional = new[] { "get /api/v1/posts", "get /api/v1/posts/{id}" };
        var anonymous = new[] { "post /api/v1/auth/register", "post /api/v1/auth/login", "get /api/v1/posts/{post_id}/likes", "get /api/v1/posts/{post_id}/comments" };
        foreach (var (name, operation) in OperationsOf(document))
        {
            var security = operation.TryGetProperty("security", out var s) ? s.EnumerateArray().Select(r => string.Join(",", r.EnumerateObject().Select(p => p.Name))).ToArray() : [];
            string[] expected = anonymous.Contains(name) ? [] : optional.Contains(name) ? ["Bearer", ""] : ["Bearer"];
            Assert.True(expected.SequenceEqual(security), $"{name}: security [{string.Join(" | ", security)}]");
            Assert.True(expected.Length == 0 || operation.GetProperty("responses").TryGetProperty("401", out _), $"{name} lacks 401");
        }
    }

    [Fact]
    public async Task Requests_say_which_fields_are_required_and_every_wire_type_has_an_example()
    {
        var document = await DocumentAsync();
        var schemas = document.GetProperty("components").GetProperty("schemas");
        Assert.Equal(["email", "password", "username"], Required(schemas.GetProperty("RegisterRequest")));
        Assert.Equal(["content"], Required(schemas.GetProperty("CreatePostRequest")));
        Assert.Equal(["content_length", "content_type"], Required(schemas.GetProperty("UploadUrlRequest")));
        var types = schemas.GetProperty("UploadUrlRequest").GetProperty("properties").GetProperty("content_type").GetProperty("enum");
        Assert.Equal(["image/gif", "image/jpeg", "image/png"], types.EnumerateArray().Select(e => e.GetString()!).Order().ToArray());
        // Timestamps and counters as the wire has them, not as the generator guessed.
        var post = schemas.GetProperty("PostResponse").GetProperty("properties");
        Assert.Equal("string", post.GetProperty("created_at").GetProperty("type").GetString());
        Assert.Equal("date-time", post.GetProperty("created_at").GetProperty("format").GetString());
        Assert.Equal("integer", post.GetProperty("likes_count").GetProperty("type").GetString());
        foreach (var schema in schemas.EnumerateObject().Where(s => s.Name != "Problem"))
        {
            Assert.True(schema.Value.TryGetProperty("examples", out var examples) && examples.GetArrayLength() > 0, $"{schema.Name} has no example");
        }
    }

    /// <summary>
    /// docs/openapi.json is what frontend developers and the TypeScript client are built from: it must
    /// be the document the API serves. After changing the API, rewrite it with
    /// <c>SOCIALMEDIA_UPDATE_DOCS=1 dotnet test --filter "FullyQualifiedName~OpenApiTests"</c>
    /// (or clients/typescript's <c>npm run regenerate</c>, which also regenerates the types).
    /// </summary>
    [Fact]
    public async Task The_checked_in_document_is_the_one_the_api_serves()
    {
        using var client = factory.CreateClient();
        var live = await client.GetStringAsync("/openapi/v1.json");
        var path = Path.Combine(TestInfrastructure.RepositoryRoot, "docs", "openapi.json");
        if (Environment.GetEnvironmentVariable("SOCIALMEDIA_UPDATE_DOCS") == "1")
        {
            await File.WriteAllTextAsync(path, live + "\n");
        }

        var checkedIn = File.Exists(path) ? (await File.ReadAllTextAsync(path)).TrimEnd('\n') : "";
        var liveLines = live.Split('\n');
        var fileLines = checkedIn.Split('\n');
        var first = Enumerable.Range(0, Math.Max(liveLines.Length, fileLines.Length))
            .FirstOrDefault(i => i >= liveLines.Length || i >= fileLines.Length || liveLines[i] != fileLines[i], -1);
        Assert.True(first < 0,
            $"docs/openapi.json differs from the live /openapi/v1.json at line {first + 1}:\n" +
            $"  checked in: {(first >= 0 && first < fileLines.Length ? fileLines[first].Trim() : "(end of file)")}\n" +
            $"  live:       {(first >= 0 && first < liveLines.Length ? liveLines[first].Trim() : "(end of document)")}\n" +
            "Rewrite it (and the TypeScript types) with: cd clients/typescript && npm run regenerate");
    }

    private static IEnumerable<(string Name, JsonElement Operation)> OperationsOf(JsonElement document) =>
        document.GetProperty("paths").EnumerateObject().SelectMany(p => p.Value.EnumerateObject().Select(m => ($"{m.Name} {p.Name}", m.Value)));

    private static string[] Required(JsonElement schema) =>
        schema.GetProperty("required").EnumerateArray().Select(e => e.GetString()!).Order().ToArray();
}
