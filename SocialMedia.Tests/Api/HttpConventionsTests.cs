using System.Net;
using System.Net.Http.Json;
using System.Text;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SocialMedia.Tests.Infrastructure;

namespace SocialMedia.Tests.Api;

/// <summary>The contract's rules that hold for every endpoint: status codes, problem details, CORS, probes.</summary>
public sealed class HttpConventionsTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    [Theory]
    [InlineData("{\"content\": ")]
    [InlineData("not json at all")]
    [InlineData("{\"content\": 123}")]
    [InlineData("[\"content\"]")]
    public async Task A_body_that_is_not_json_or_has_wrong_types_is_a_400(string body)
    {
        var user = await factory.RegisterAsync();
        using var client = factory.CreateClientWithToken(user.Token);
        using var response = await client.PostAsync("/api/v1/posts", Json(body));
        await response.AssertProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task A_wrong_type_names_the_field_in_the_detail()
    {
        using var client = factory.CreateClient();
        using var response = await client.PostAsync("/api/v1/auth/login", Json("{\"email\": [1], \"password\": \"x\"}"));
        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("$.email", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_body_of_another_content_type_is_a_415()
    {
        var user = await factory.RegisterAsync();
        using var client = factory.CreateClientWithToken(user.Token);
        using var response = await client.PostAsync("/api/v1/posts", new StringContent("{\"content\":\"hi\"}", Encoding.UTF8, "text/plain"));
        await response.AssertProblemAsync(HttpStatusCode.UnsupportedMediaType);
    }

    [Fact]
    public async Task A_body_over_64_KiB_is_a_413_and_nothing_is_written()
    {
        var user = await factory.RegisterAsync();
        using var client = factory.CreateClientWithToken(user.Token);
        var marker = Guid.NewGuid().ToString("N");
        using var response = await client.PostAsync("/api/v1/posts", Json($"{{\"content\":\"{marker}\",\"pad\":\"{new string(' ', 70_000)}\"}}"));
        await response.AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge);

        var mine = await client.GetJsonAsync($"/api/v1/posts?author_id={user.Id}");
        Assert.Empty(mine.GetProperty("data").EnumerateArray());
    }

    [Fact]
    public async Task A_chunked_body_over_64_KiB_without_a_length_is_a_413_too()
    {
        var user = await factory.RegisterAsync();
        using var client = factory.CreateClientWithToken(user.Token);
        var content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes($"{{\"content\":\"x\",\"pad\":\"{new string(' ', 70_000)}\"}}")));
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/posts") { Content = content };
        request.Headers.TransferEncodingChunked = true;
        using var response = await client.SendAsync(request);
        await response.AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge);
    }

    [Theory]
    [InlineData("/api/v1/nothing-here")]
    [InlineData("/api/v2/posts")]
    [InlineData("/")]
    public async Task An_unknown_route_is_a_404_problem(string path)
    {
        using var client = factory.CreateClient();
        using var response = await client.GetAsync(path);
        await response.AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("PATCH", "/api/v1/posts/0193a6f0-0000-7000-8000-000000000000", "DELETE, GET, PUT")]
    [InlineData("GET", "/api/v1/auth/login", "POST")]
    [InlineData("PUT", "/api/v1/posts/0193a6f0-0000-7000-8000-000000000000/likes", "DELETE, GET, POST")]
    [InlineData("GET", "/api/v1/comments/0193a6f0-0000-7000-8000-000000000000", "DELETE")]
    public async Task A_known_route_with_the_wrong_method_is_a_405_with_allow(string method, string path, string allow)
    {
        using var client = factory.CreateClient();
        using var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));
        await response.AssertProblemAsync(HttpStatusCode.MethodNotAllowed);
        Assert.Equal(allow, string.Join(", ", response.Content.Headers.Allow.Order(StringComparer.Ordinal)));
    }

    [Fact]
    public async Task Problem_trace_ids_follow_the_callers_w3c_trace()
    {
        using var client = factory.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/posts/" + Guid.CreateVersion7());
        request.Headers.Add("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
        using var response = await client.SendAsync(request);
        var problem = await response.AssertProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal("4bf92f3577b34da6a3ce929d0e0e4736", problem.GetProperty("trace_id").GetString());
    }

    [Fact]
    public async Task Browsers_from_any_origin_may_call_in_development()
    {
        using var client = factory.CreateClient();
        using var preflight = new HttpRequestMessage(HttpMethod.Options, "/api/v1/posts");
        preflight.Headers.Add("Origin", "http://localhost:5173");
        preflight.Headers.Add("Access-Control-Request-Method", "POST");
        preflight.Headers.Add("Access-Control-Request-Headers", "authorization,content-type");
        using var response = await client.SendAsync(preflight);
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal("*", response.Headers.GetValues("Access-Control-Allow-Origin").Single());

        using var get = new HttpRequestMessage(HttpMethod.Get, "/api/v1/posts");
        get.Headers.Add("Origin", "http://localhost:5173");
        using var actual = await client.SendAsync(get);
        Assert.Contains("Location", actual.Headers.GetValues("Access-Control-Expose-Headers").Single(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Health_answers_when_the_database_does_and_alive_always()
    {
        using var client = factory.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/alive")).StatusCode);
    }

    [Fact]
    public async Task Json_responses_are_utf8_json()
    {
        using var client = factory.CreateClient();
        using var response = await client.GetAsync("/api/v1/posts");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("utf-8", response.Content.Headers.ContentType?.CharSet);
    }

    [Fact]
    [Trait(TestHost.Trait, TestHost.InProcessOnly)]
    public void Kestrel_reads_each_request_into_a_buffer_without_a_zero_byte_read_first()
    {
        // One receive and readiness round fewer per request (bench/README.md); the test server has
        // no sockets, so the setting itself is what can be checked here.
        var sockets = factory.Services.GetRequiredService<IOptions<SocketTransportOptions>>().Value;
        Assert.False(sockets.WaitForDataBeforeAllocatingBuffer);
    }
}
