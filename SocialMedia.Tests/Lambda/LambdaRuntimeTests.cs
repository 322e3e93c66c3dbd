using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using SocialMedia.Tests.Lambda.Support;

namespace SocialMedia.Tests.Lambda;

/// <summary>A function that also exports traces, to an OTLP receiver in the ADOT collector's place.</summary>
public sealed class TracedLambdaFunctionFixture : LambdaFunctionFixture
{
    public OtlpReceiver Otlp { get; private set; } = null!;

    protected override async Task BeforeStartAsync() => Otlp = await OtlpReceiver.StartAsync();

    // No OTEL_EXPORTER_OTLP_PROTOCOL: Lambda mode must default to the collector's OTLP/HTTP.
    protected override IEnumerable<KeyValuePair<string, string?>> ExtraEnvironment =>
        [new("OTEL_EXPORTER_OTLP_ENDPOINT", Otlp.Endpoint)];
}

/// <summary>The Runtime API side: errors, the loop surviving them, limits, and the X-Ray trace.</summary>
public sealed class LambdaRuntimeTests(TracedLambdaFunctionFixture function) : IClassFixture<TracedLambdaFunctionFixture>
{
    private const string XRayHeader = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1";

    private static string GetEvent(string path)
    {
        var e = ApiGatewayClientHandler.Template("rest-api-v1.json");
        e["path"] = path;
        return e.ToJsonString();
    }

    [Fact]
    public async Task An_event_that_is_not_an_api_gateway_event_is_an_invocation_error_and_the_loop_goes_on()
    {
        var failed = await function.Runtime.InvokeAsync("[1, 2, 3]");
        Assert.True(failed.IsError, failed.ToString());
        Assert.Equal("application/vnd.aws.lambda.error+json", failed.ContentType);
        var error = failed.Json;
        Assert.Equal("JsonException", error.GetProperty("errorType").GetString());
        Assert.Equal("JsonException", failed.ErrorTypeHeader);
        Assert.False(string.IsNullOrEmpty(error.GetProperty("errorMessage").GetString()));
        Assert.Equal(JsonValueKind.Array, error.GetProperty("stackTrace").ValueKind);

        var next = await function.Runtime.InvokeAsync(GetEvent("/alive"));
        Assert.False(next.IsError, next.ToString());
        Assert.Equal(200, next.Json.GetProperty("statusCode").GetInt32());
    }

    [Fact]
    public async Task A_response_the_runtime_api_refuses_as_too_large_becomes_an_invocation_error()
    {
        function.Runtime.NextResponseStatus = HttpStatusCode.RequestEntityTooLarge;
        var result = await function.Runtime.InvokeAsync(GetEvent("/alive"));
        Assert.True(result.IsError, result.ToString());
        Assert.Equal("Function.ResponseSizeTooLarge", result.ErrorTypeHeader);

        var next = await function.Runtime.InvokeAsync(GetEvent("/alive"));
        Assert.False(next.IsError, next.ToString());
    }

    [Fact]
    public async Task The_lambda_trace_is_continued_and_its_spans_are_exported_before_the_response_is_posted()
    {
        using var client = function.CreateClient(PayloadVersion.HttpV2, out var gateway);
        gateway.TraceId = XRayHeader;
        // A client's own traceparent loses to Lambda's: X-Ray's trace is the one API Gateway started.
        client.DefaultRequestHeaders.Add("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
        using var response = await client.GetAsync("/api/v1/posts?limit=1");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        // No waiting: the flush happens before the response post, so the spans are already here.
        var spans = function.Otlp.Spans.Where(s => s.TraceId == "5759e988bd862e3fe1be46a994272793").ToList();
        var server = Assert.Single(spans, s => s.Kind == 2 && s.ParentSpanId == "53995c3f42cd8ad8");
        Assert.Contains(spans, s => s.Kind == 3 && s.ParentSpanId != "53995c3f42cd8ad8"); // the database call, under the request

        Assert.Equal("aws", server.Resource["cloud.provider"]);
        Assert.Equal("aws_lambda", server.Resource["cloud.platform"]);
        Assert.Equal("social-media-test", server.Resource["faas.name"]);
        Assert.Equal("social-media-test", server.Resource["service.name"]);
        Assert.Equal("$LATEST", server.Resource["faas.version"]);
        Assert.Equal("us-east-1", server.Resource["cloud.region"]);

        // The runtime's own HTTP calls are not the function's work: no spans for them.
        Assert.DoesNotContain(function.Otlp.Spans, s => s.Attributes.TryGetValue("url.full", out var url) && url.Contains("/2018-06-01/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_problems_trace_id_is_the_xray_root_of_the_invocation()
    {
        using var client = function.CreateClient(PayloadVersion.RestV1, out var gateway);
        gateway.TraceId = "Root=1-5759e988-0123456789abcdef01234567;Parent=53995c3f42cd8ad8;Sampled=1";
        using var response = await client.GetAsync("/api/v1/nothing-here");
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("5759e9880123456789abcdef01234567", problem.GetProperty("trace_id").GetString());
    }

    [Fact]
    public async Task A_trace_lambda_did_not_sample_is_not_recorded()
    {
        using var client = function.CreateClient(PayloadVersion.RestV1, out var gateway);
        gateway.TraceId = "Root=1-5759e988-00000000000000000000abcd;Parent=53995c3f42cd8ad8;Sampled=0";
        using var response = await client.GetAsync("/api/v1/posts?limit=1");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain(function.Otlp.Spans, s => s.TraceId == "5759e98800000000000000000000abcd");
    }

    [Fact]
    public async Task New_traces_get_xray_compatible_ids_starting_with_the_epoch_second()
    {
        var before = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        using var client = function.CreateClient(PayloadVersion.RestV1);
        using var response = await client.GetAsync("/api/v1/nothing-here");
        var after = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

        var traceId = (await response.Content.ReadAsStringAsync()) is var body ? JsonDocument.Parse(body).RootElement.GetProperty("trace_id").GetString()! : "";
        var seconds = Convert.ToInt64(traceId[..8], 16);
        Assert.InRange(seconds, before, after);
        Assert.Contains(function.Otlp.Spans, s => s.TraceId == traceId);
    }

    [Fact]
    public async Task The_function_keeps_serving_after_a_request_fails_in_the_pipeline()
    {
        // A body that claims JSON but is not: the app's own exception handler answers it.
        var e = JsonNode.Parse(GetEvent("/api/v1/auth/login"))!;
        e["httpMethod"] = "POST";
        e["headers"] = new JsonObject { ["Content-Type"] = "application/json" };
        e["multiValueHeaders"] = new JsonObject { ["Content-Type"] = new JsonArray("application/json") };
        e["body"] = "{ not json";
        var bad = await function.Runtime.InvokeAsync(e.ToJsonString());
        Assert.Equal(400, bad.Json.GetProperty("statusCode").GetInt32());
        Assert.Equal("application/problem+json", bad.Json.GetProperty("multiValueHeaders").GetProperty("Content-Type")[0].GetString());

        var next = await function.Runtime.InvokeAsync(GetEvent("/alive"));
        Assert.Equal(200, next.Json.GetProperty("statusCode").GetInt32());
    }
}

/// <summary>A function whose configuration is wrong: Production without a JWT secret.</summary>
public sealed class MisconfiguredLambdaFunctionFixture : LambdaFunctionFixture
{
    protected override bool WaitUntilReady => false;

    protected override IEnumerable<KeyValuePair<string, string?>> ExtraEnvironment => [new("Jwt__Secret", "")];
}

public sealed class LambdaInitErrorTests(MisconfiguredLambdaFunctionFixture function) : IClassFixture<MisconfiguredLambdaFunctionFixture>
{
    [Fact]
    public async Task A_start_that_fails_is_reported_as_an_init_error_with_its_reason_and_the_process_exits()
    {
        var error = await function.Runtime.InitError.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal("application/vnd.aws.lambda.error+json", error.ContentType);
        Assert.Equal("Runtime.ExitError", error.ErrorTypeHeader);
        Assert.Contains("Jwt:Secret", error.Json.GetProperty("errorMessage").GetString(), StringComparison.Ordinal);

        await function.Function.WaitForExitAsync(TimeSpan.FromSeconds(30));
        Assert.NotEqual(0, function.Function.ExitCode);
        Assert.Equal(0, function.Runtime.NextRequests);
    }
}

/// <summary>A function whose _HANDLER names an entry the API does not have.</summary>
public sealed class UnknownHandlerLambdaFunctionFixture : LambdaFunctionFixture
{
    protected override bool WaitUntilReady => false;

    protected override IEnumerable<KeyValuePair<string, string?>> ExtraEnvironment => [new("_HANDLER", "authoriser")];
}

public sealed class LambdaUnknownHandlerTests(UnknownHandlerLambdaFunctionFixture function) : IClassFixture<UnknownHandlerLambdaFunctionFixture>
{
    [Fact]
    public async Task An_unknown_handler_is_an_init_error_that_names_the_handlers_there_are()
    {
        var error = await function.Runtime.InitError.WaitAsync(TimeSpan.FromSeconds(60));
        var message = error.Json.GetProperty("errorMessage").GetString();
        Assert.Contains("'authoriser'", message, StringComparison.Ordinal);
        Assert.Contains("'api', 'authorizer', 'migrate'", message, StringComparison.Ordinal);

        await function.Function.WaitForExitAsync(TimeSpan.FromSeconds(30));
        Assert.NotEqual(0, function.Function.ExitCode);
        Assert.Equal(0, function.Runtime.NextRequests);
    }
}
