using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace SocialMedia.Tests.Lambda.Support;

/// <summary>What the function posted back for one invocation: a response, or an error document.</summary>
public sealed record InvocationResult(string RequestId, bool IsError, byte[] Body, string? ContentType, string? ErrorTypeHeader)
{
    public JsonElement Json => JsonDocument.Parse(Body).RootElement.Clone();

    public override string ToString() => $"{(IsError ? "error" : "response")} {Encoding.UTF8.GetString(Body)}";
}

/// <summary>
/// The Lambda Runtime API (2018-06-01) as Lambda serves it to a custom runtime, on loopback: events
/// queue up for <c>GET /runtime/invocation/next</c> (which blocks until there is one, as in Lambda),
/// and the function's response, invocation error or init error is handed back to whoever invoked.
/// Responses over Lambda's limit get the Runtime API's 413.
/// </summary>
public sealed class LambdaRuntimeEmulator : IAsyncDisposable
{
    /// <summary>The Runtime API's limit on a response body.</summary>
    public const int MaxResponseBytes = 6 * 1024 * 1024;

    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>();
    private readonly ConcurrentDictionary<string, Pending> _inflight = new();
    private readonly TaskCompletionSource<InvocationResult> _initError = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly WebApplication _app;

    private LambdaRuntimeEmulator(WebApplication app) => _app = app;

    /// <summary>host:port, the value of AWS_LAMBDA_RUNTIME_API.</summary>
    public string RuntimeApi { get; private set; } = "";

    /// <summary>The init error the function reported, if it did.</summary>
    public Task<InvocationResult> InitError => _initError.Task;

    /// <summary>How many times the function asked for the next event.</summary>
    public int NextRequests => Volatile.Read(ref _nextRequests);

    private int _nextRequests;

    /// <summary>When set, the next response post is answered with this status instead of 202.</summary>
    public HttpStatusCode? NextResponseStatus { get; set; }

    public static async Task<LambdaRuntimeEmulator> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = 3 * MaxResponseBytes);
        var app = builder.Build();
        var emulator = new LambdaRuntimeEmulator(app);
        emulator.Map(app);
        await app.StartAsync();
        emulator.RuntimeApi = new Uri(app.Urls.First()).Authority;
        return emulator;
    }

    /// <summary>Sends one event and waits for the function's answer.</summary>
    public async Task<InvocationResult> InvokeAsync(string payload, string? traceId = null, TimeSpan? timeLimit = null)
    {
        var pending = new Pending(
            Guid.NewGuid().ToString(),
            Encoding.UTF8.GetBytes(payload),
            traceId,
            DateTimeOffset.UtcNow + (timeLimit ?? TimeSpan.FromSeconds(30)));
        _inflight[pending.RequestId] = pending;
        await _queue.Writer.WriteAsync(pending);
        // A safety net against a dead function, not a timing assertion.
        return await pending.Result.Task.WaitAsync(TimeSpan.FromSeconds(90));
    }

    private void Map(WebApplication app)
    {
        app.MapGet("/2018-06-01/runtime/invocation/next", async (HttpContext context) =>
        {
            Interlocked.Increment(ref _nextRequests);
            var pending = await _queue.Reader.ReadAsync(context.RequestAborted);
            var headers = context.Response.Headers;
            headers["Lambda-Runtime-Aws-Request-Id"] = pending.RequestId;
            headers["Lambda-Runtime-Deadline-Ms"] = pending.Deadline.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
            headers["Lambda-Runtime-Invoked-Function-Arn"] = "arn:aws:lambda:us-east-1:123456789012:function:social-media-test";
            if (pending.TraceId is not null)
            {
                headers["Lambda-Runtime-Trace-Id"] = pending.TraceId;
            }

            context.Response.ContentType = "application/json";
            await context.Response.Body.WriteAsync(pending.Payload);
        });

        app.MapPost("/2018-06-01/runtime/invocation/{id}/response", async (string id, HttpContext context) =>
        {
            var body = await ReadAsync(context.Request);
            if (NextResponseStatus is { } status)
            {
                NextResponseStatus = null;
                return Results.StatusCode((int)status);
            }

            if (body.Length > MaxResponseBytes)
            {
                return Results.Json(new { errorMessage = "Exceeded maximum allowed payload size.", errorType = "RequestEntityTooLarge" }, statusCode: 413);
            }

            return Complete(id, new InvocationResult(id, false, body, context.Request.ContentType, null));
        });

        app.MapPost("/2018-06-01/runtime/invocation/{id}/error", async (string id, HttpContext context) =>
        {
            var body = await ReadAsync(context.Request);
            return Complete(id, new InvocationResult(id, true, body, context.Request.ContentType, context.Request.Headers["Lambda-Runtime-Function-Error-Type"]));
        });

        app.MapPost("/2018-06-01/runtime/init/error", async (HttpContext context) =>
        {
            var body = await ReadAsync(context.Request);
            _initError.TrySetResult(new InvocationResult("init", true, body, context.Request.ContentType, context.Request.Headers["Lambda-Runtime-Function-Error-Type"]));
            return Results.Accepted();
        });
    }

    private IResult Complete(string id, InvocationResult result)
    {
        if (!_inflight.TryRemove(id, out var pending))
        {
            // Lambda answers a second post for one invocation, or an unknown id, like this.
            return Results.Json(new { errorMessage = "Invalid request ID", errorType = "InvalidRequestID" }, statusCode: 400);
        }

        pending.Result.TrySetResult(result);
        return Results.Accepted();
    }

    private static async Task<byte[]> ReadAsync(HttpRequest request)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer);
        return buffer.ToArray();
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private sealed record Pending(string RequestId, byte[] Payload, string? TraceId, DateTimeOffset Deadline)
    {
        public TaskCompletionSource<InvocationResult> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
