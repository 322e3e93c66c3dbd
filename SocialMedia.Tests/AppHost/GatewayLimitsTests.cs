using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using SocialMedia.AwsEmulators.Gateway;
using SocialMedia.AwsEmulators.Lambda;
using SocialMedia.Tests.Infrastructure;

namespace SocialMedia.Tests.AppHost;

/// <summary>
/// Lambda mode's two emulators, as the AppHost runs them but in this process: API Gateway in front
/// of the Lambda service, and a function polling the Runtime API. What a frontend developer meets
/// only in Lambda mode: a request larger than Lambda's 6 MB, and a function slower than the
/// integration timeout (29 s in AWS; 1 s in that test, the lowest the setting takes). The timeout
/// counts the event's way to the function too, and a 6 MB body goes as 8 MB of base64: the
/// large-body test keeps AWS's timeout, so that a busy machine cannot turn its 413 into a 504.
/// </summary>
public sealed class GatewayLimitsTests : IAsyncLifetime
{
    private const string Function = "posts";
    private WebApplication? _lambda;
    private WebApplication? _gateway;
    private HttpClient? _client;
    private readonly CancellationTokenSource _stop = new();

    public Task InitializeAsync() => Task.CompletedTask;

    private async Task StartAsync(int integrationTimeoutSeconds)
    {
        var lambdaPort = TestPorts.FreeTcpPort();
        var lambda = WebApplication.CreateSlimBuilder();
        lambda.WebHost.UseUrls($"http://127.0.0.1:{lambdaPort}");
        lambda.AddLambdaServiceEmulator();
        _lambda = lambda.Build();
        _lambda.MapLambdaServiceEmulator();
        await _lambda.StartAsync();

        var gatewayPort = TestPorts.FreeTcpPort();
        var gateway = WebApplication.CreateSlimBuilder();
        gateway.WebHost.UseUrls($"http://127.0.0.1:{gatewayPort}");
        gateway.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Gateway:LambdaEndpoint"] = $"http://127.0.0.1:{lambdaPort}/",
            ["Gateway:IntegrationTimeoutSeconds"] = integrationTimeoutSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Gateway:Routes:0:Method"] = "POST",
            ["Gateway:Routes:0:Path"] = "/api/v1/posts",
            ["Gateway:Routes:0:Function"] = Function,
        });
        gateway.AddApiGatewayEmulator();
        _gateway = gateway.Build();
        _gateway.MapApiGatewayEmulator();
        await _gateway.StartAsync();

        _client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{gatewayPort}"), Timeout = TimeSpan.FromSeconds(30) };
    }

    public async Task DisposeAsync()
    {
        await _stop.CancelAsync();
        _client?.Dispose();
        if (_gateway is not null)
        {
            await _gateway.DisposeAsync();
        }

        if (_lambda is not null)
        {
            await _lambda.DisposeAsync();
        }

        _stop.Dispose();
    }

    [Fact]
    public async Task A_body_larger_than_lambda_takes_is_refused_with_413_and_never_reaches_the_function()
    {
        await StartAsync(integrationTimeoutSeconds: 29);
        using var content = new ByteArrayContent(new byte[LambdaServiceEmulator.MaxPayloadBytes + 1]);
        content.Headers.ContentType = new("application/octet-stream");

        using var response = await _client!.PostAsync("/api/v1/posts", content);

        var problem = await AssertGatewayProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
        Assert.Equal("Payload too large", problem.GetProperty("title").GetString());
        Assert.Equal(0, await InvocationsAsync());
    }

    [Fact]
    public async Task A_function_slower_than_the_integration_timeout_gets_the_caller_a_504_in_time()
    {
        await StartAsync(integrationTimeoutSeconds: 1);
        // The function takes the event through the Runtime API and never answers.
        var runtime = new HttpClient { BaseAddress = new Uri(_lambda!.Urls.First()), Timeout = Timeout.InfiniteTimeSpan };
        var taken = runtime.GetAsync($"/{Function}/2018-06-01/runtime/invocation/next", _stop.Token);

        var clock = Stopwatch.StartNew();
        using var response = await _client!.PostAsJsonAsync("/api/v1/posts", new { content = "slow" });
        clock.Stop();

        var problem = await AssertGatewayProblemAsync(response, HttpStatusCode.GatewayTimeout);
        Assert.Equal("Gateway timeout", problem.GetProperty("title").GetString());
        Assert.True((await taken).IsSuccessStatusCode, "the function never got the event");
        Assert.Equal(1, await InvocationsAsync());
        // Answered by the gateway's own clock (1 s here), not the function's timeout (30 s).
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(20));
        runtime.Dispose();
    }

    private static async Task<JsonElement> AssertGatewayProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        Assert.Matches("^[0-9a-f]{32}$", problem.GetProperty("trace_id").GetString()!);
        return problem;
    }

    private async Task<int> InvocationsAsync()
    {
        using var lambda = new HttpClient { BaseAddress = new Uri(_lambda!.Urls.First()) };
        var state = await lambda.GetFromJsonAsync<JsonElement>("/_emulator/functions");
        return state.TryGetProperty(Function, out var function) ? function.GetProperty("invocations").GetInt32() : 0;
    }
}
