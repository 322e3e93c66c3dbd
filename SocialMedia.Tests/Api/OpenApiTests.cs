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
        foreach (var status in new[] { "400", "401", "413", "415" })
        {
            var content = create.GetProperty("responses").GetProperty(status).GetProperty("content");
            Assert.Equal("#/components/schemas/ProblemDetails", content.GetProperty("application/problem+json").GetProperty("schema").GetProperty("$ref").GetString());
        }

        var list = document.GetProperty("paths").GetProperty("/api/v1/posts").GetProperty("get");
        var limit = list.GetProperty("parameters").EnumerateArray().Select(p => p.GetProperty("name").GetString()).ToArray();
        Assert.Contains("limit", limit);
        Assert.Contains("cursor", limit);
        Assert.Contains("author_id", limit);
    }
}
