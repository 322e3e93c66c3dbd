using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;
using SocialMedia.Tests.Infrastructure;

namespace SocialMedia.Tests.AppHost;

/// <summary>
/// The AppHost with <c>--LocalInfra:ApiHost=Lambda</c>: the path that ships, on a laptop. Every
/// request goes through the API Gateway emulator (routes from deploy/terraform/routes.json, the
/// Lambda authorizer), the Lambda service emulator, and one of the five function processes.
/// </summary>
[Collection(AppHostsOneAtATime.Name)]
public sealed class LambdaModeTests(LambdaModeAppHost host) : IClassFixture<LambdaModeAppHost>
{
    [Fact]
    public Task User_registers_uploads_an_image_through_the_presigned_url_then_posts_likes_and_comments() =>
        AppHostScenarios.RegisterUploadPostLikeAndCommentAsync(host);

    [Fact]
    public void The_model_holds_the_emulators_and_five_functions_each_started_as_a_lambda_runtime()
    {
        var model = host.App.Services.GetRequiredService<DistributedApplicationModel>();
        var names = model.Resources.Select(r => r.Name).ToHashSet();
        Assert.Superset(new HashSet<string> { "LambdaServiceEmulator", "api", "auth", "posts", "likes", "comments", "authorizer" }, names);
        foreach (var function in new[] { "auth", "posts", "likes", "comments", "authorizer" })
        {
            var resource = Assert.Single(model.Resources, r => r.Name == function);
            Assert.Contains(resource.Annotations.OfType<WaitAnnotation>(), w => w.Resource.Name == "LambdaServiceEmulator");
            Assert.Contains(resource.Annotations.OfType<WaitAnnotation>(), w => w.Resource.Name == "migrations" && w.WaitType == WaitType.WaitForCompletion);
        }
    }

    [Fact]
    public async Task Each_route_is_served_by_its_own_function_group_and_no_other()
    {
        using var api = host.CreateApiClient();
        var user = await api.RegisterAsync();
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", user.Token);

        var before = await InvocationsAsync();
        using (var me = await api.GetAsync("/api/v1/auth/me"))
        {
            Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        }

        var afterMe = await InvocationsAsync();
        Assert.Equal(1, afterMe["auth"] - before["auth"]);
        Assert.All(new[] { "posts", "likes", "comments" }, group => Assert.Equal(before.GetValueOrDefault(group), afterMe.GetValueOrDefault(group)));

        var post = await (await api.PostAsJsonAsync("/api/v1/posts", new { content = "routed" })).Content.ReadFromJsonAsync<JsonElement>();
        using (var like = await api.PostAsync($"/api/v1/posts/{post.GetProperty("id").GetString()}/likes", null))
        {
            Assert.Equal(HttpStatusCode.Created, like.StatusCode);
        }

        using (var comments = await api.GetAsync($"/api/v1/posts/{post.GetProperty("id").GetString()}/comments"))
        {
            Assert.Equal(HttpStatusCode.OK, comments.StatusCode);
        }

        var after = await InvocationsAsync();
        Assert.Equal(afterMe["auth"], after["auth"]);
        Assert.Equal(1, after["posts"] - afterMe.GetValueOrDefault("posts"));
        Assert.Equal(1, after["likes"] - afterMe.GetValueOrDefault("likes"));
        Assert.Equal(1, after["comments"] - afterMe.GetValueOrDefault("comments"));
    }

    [Fact]
    public async Task A_revoked_token_is_refused_by_the_api_while_the_gateway_still_caches_its_allow()
    {
        using var api = host.CreateApiClient();
        var user = await api.RegisterAsync();
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", user.Token);
        using (var me = await api.GetAsync("/api/v1/auth/me"))
        {
            Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        }

        using (var logout = await api.DeleteAsync("/api/v1/auth/logout"))
        {
            Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
        }

        var before = await InvocationsAsync();
        using var refused = await api.PostAsJsonAsync("/api/v1/posts", new { content = "after logout" });
        var problem = await refused.AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Contains("invalid_token", refused.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        // The API's own answer (the function ran: the authorizer's Allow is cached for the token).
        Assert.Equal(1, (await InvocationsAsync())["posts"] - before.GetValueOrDefault("posts"));
        Assert.Matches("^[0-9a-f]{32}$", problem.GetProperty("trace_id").GetString()!);

        api.DefaultRequestHeaders.Authorization = null;
        var mine = await api.GetFromJsonAsync<JsonElement>($"/api/v1/posts?author_id={user.Id}");
        Assert.Empty(mine.GetProperty("data").EnumerateArray());
    }

    [Fact]
    public async Task The_gateway_answers_a_missing_or_malformed_token_itself_as_deploy_defines_it()
    {
        using var api = host.CreateApiClient();
        var before = await InvocationsAsync();

        using var missing = await api.GetAsync("/api/v1/auth/me");
        await AssertGatewayProblemAsync(missing, HttpStatusCode.Unauthorized, "unauthorized");
        Assert.Equal("Bearer error=\"invalid_token\"", missing.Headers.WwwAuthenticate.ToString());

        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/auth/me");
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer not-a-jws");
        using var malformed = await api.SendAsync(request);
        await AssertGatewayProblemAsync(malformed, HttpStatusCode.Unauthorized, "unauthorized");

        using var unknown = await api.GetAsync("/api/v1/nothing-here");
        await AssertGatewayProblemAsync(unknown, HttpStatusCode.NotFound, "not-found");

        var after = await InvocationsAsync();
        Assert.Equal(before.GetValueOrDefault("auth"), after.GetValueOrDefault("auth"));
        Assert.Equal(before.GetValueOrDefault("authorizer"), after.GetValueOrDefault("authorizer"));
    }

    [Fact]
    public async Task A_forged_token_is_refused_by_the_authorizer()
    {
        using var api = host.CreateApiClient();
        var user = await api.RegisterAsync();
        var parts = user.Token.Split('.');
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", $"{parts[0]}.{parts[1]}.{parts[2][..^4]}AAAA");
        var before = await InvocationsAsync();

        using var refused = await api.GetAsync("/api/v1/auth/me");
        await AssertGatewayProblemAsync(refused, HttpStatusCode.Unauthorized, "unauthorized");
        var after = await InvocationsAsync();
        Assert.Equal(1, after["authorizer"] - before.GetValueOrDefault("authorizer"));
        Assert.Equal(before.GetValueOrDefault("auth"), after.GetValueOrDefault("auth"));
    }

    [Fact]
    public async Task The_probes_and_the_openapi_document_answer_through_the_gateway_too()
    {
        using var api = host.CreateApiClient();
        using var health = await api.GetAsync("/health");
        using var alive = await api.GetAsync("/alive");
        using var document = await api.GetAsync("/openapi/v1.json");

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
        Assert.Equal(HttpStatusCode.OK, document.StatusCode);
        Assert.StartsWith("3.1", (await document.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("openapi").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_request_is_one_trace_from_the_gateway_through_the_function()
    {
        using var api = host.CreateApiClient();
        var trace = ActivityTraceId.CreateRandom();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/posts/01939a00-0000-7000-8000-000000000000");
        request.Headers.TryAddWithoutValidation("traceparent", $"00-{trace.ToHexString()}-{ActivitySpanId.CreateRandom().ToHexString()}-01");

        using var response = await api.SendAsync(request);

        // The function's own 404, quoting the trace the gateway continued and passed on as X-Ray's header.
        var problem = await response.AssertProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal(trace.ToHexString(), problem.GetProperty("trace_id").GetString());
    }

    /// <summary>An answer of the gateway itself: deploy/'s problem body, with the trace id as the API writes it.</summary>
    private static async Task AssertGatewayProblemAsync(HttpResponseMessage response, HttpStatusCode status, string slug)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal($"https://social-media-api.dev/problems/{slug}", problem.GetProperty("type").GetString());
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        Assert.Matches("^[0-9a-f]{32}$", problem.GetProperty("trace_id").GetString()!);
    }

    /// <summary>How many invocations each function has taken, as the Lambda service emulator counts them.</summary>
    private async Task<Dictionary<string, int>> InvocationsAsync()
    {
        using var lambda = new HttpClient { BaseAddress = host.App.GetEndpoint("LambdaServiceEmulator", "http") };
        var state = await lambda.GetFromJsonAsync<JsonElement>("/_emulator/functions");
        return state.EnumerateObject().ToDictionary(f => f.Name, f => f.Value.GetProperty("invocations").GetInt32());
    }
}

/// <summary>The same first steps through an HTTP API gateway: payload 2.0 events.</summary>
[Collection(AppHostsOneAtATime.Name)]
public sealed class HttpApiLambdaModeTests(HttpApiLambdaModeAppHost host) : IClassFixture<HttpApiLambdaModeAppHost>
{
    [Fact]
    public Task User_registers_uploads_an_image_through_the_presigned_url_then_posts_likes_and_comments() =>
        AppHostScenarios.RegisterUploadPostLikeAndCommentAsync(host);
}
