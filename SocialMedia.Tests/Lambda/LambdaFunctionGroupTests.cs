using System.Net;
using SocialMedia.Tests.Infrastructure;
using SocialMedia.Tests.Lambda.Support;

namespace SocialMedia.Tests.Lambda;

public sealed class PostsGroupFunctionFixture : LambdaFunctionFixture
{
    protected override IEnumerable<KeyValuePair<string, string?>> ExtraEnvironment => [new("FUNCTION_GROUP", "posts")];
}

/// <summary>FUNCTION_GROUP=posts: the posts function serves its routes and health, nothing else.</summary>
public sealed class LambdaFunctionGroupTests(PostsGroupFunctionFixture function) : IClassFixture<PostsGroupFunctionFixture>
{
    [Theory]
    [InlineData(PayloadVersion.RestV1)]
    [InlineData(PayloadVersion.HttpV2)]
    public async Task The_posts_function_serves_posts_and_health(PayloadVersion version)
    {
        using var client = function.CreateClient(version);
        var page = await client.GetJsonAsync("/api/v1/posts");
        Assert.Equal(0, page.GetProperty("data").GetArrayLength());
        using var health = await client.GetAsync("/health");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        using var alive = await client.GetAsync("/alive");
        Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
        // Its own routes still have their own rules: auth first, then 401.
        using var create = await client.PostAsync("/api/v1/posts", new StringContent("{}", System.Text.Encoding.UTF8, "application/json"));
        await create.AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Theory]
    [InlineData(PayloadVersion.RestV1, "GET", "/api/v1/auth/me")]
    [InlineData(PayloadVersion.HttpV2, "GET", "/api/v1/auth/me")]
    [InlineData(PayloadVersion.RestV1, "DELETE", "/api/v1/auth/logout")]
    [InlineData(PayloadVersion.RestV1, "GET", "/api/v1/auth/logout")]
    [InlineData(PayloadVersion.HttpV2, "POST", "/api/v1/posts/0193a4b6-0000-7000-8000-000000000000/likes")]
    [InlineData(PayloadVersion.RestV1, "GET", "/api/v1/posts/0193a4b6-0000-7000-8000-000000000000/comments")]
    [InlineData(PayloadVersion.HttpV2, "DELETE", "/api/v1/comments/0193a4b6-0000-7000-8000-000000000000")]
    public async Task Routes_of_other_groups_are_404_problems_not_401s_or_405s(PayloadVersion version, string method, string path)
    {
        using var client = function.CreateClient(version, token: "not-even-a-jwt");
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        using var response = await client.SendAsync(request);
        await response.AssertProblemAsync(HttpStatusCode.NotFound);
    }
}
