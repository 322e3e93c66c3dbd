using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.Http.HttpResults;

namespace SocialMedia.AwsEmulators.Lambda;

/// <summary>
/// The Lambda service, locally: for each function (named on first use) a queue of invocations that
/// its process takes through the Runtime API (2018-06-01, under <c>/{function}/</c>, so that
/// <c>AWS_LAMBDA_RUNTIME_API=host:port/{function}</c>), and the Invoke API
/// (<c>POST /2015-03-31/functions/{function}/invocations</c>) that API Gateway calls. The limits
/// are Lambda's: 6 MB each way, and the function's timeout.
/// </summary>
public sealed class LambdaServiceEmulator(IConfiguration configuration, IHostApplicationLifetime lifetime, ILogger<LambdaServiceEmulator> logger)
{
    /// <summary>Lambda's limit on a synchronous invocation's request and response payloads.</summary>
    public const int MaxPayloadBytes = 6 * 1024 * 1024;

    private readonly ConcurrentDictionary<string, Function> _functions = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Invocation> _inflight = new(StringComparer.Ordinal);
    private readonly TimeSpan _defaultTimeout = TimeSpan.FromSeconds(configuration.GetValue("Lambda:TimeoutSeconds", 30));

    /// <summary>A function's timeout is <c>Lambda:Functions:{name}:TimeoutSeconds</c> (the AppHost sets it), else the default.</summary>
    private Function For(string name) => _functions.GetOrAdd(name, n => new Function(
        configuration.GetValue<int?>($"Lambda:Functions:{n}:TimeoutSeconds") is { } seconds ? TimeSpan.FromSeconds(seconds) : _defaultTimeout));

    /// <summary>The Invoke API: queues the event for the function and answers with what it returned.</summary>
    public async Task<IResult> InvokeAsync(string name, HttpRequest request, CancellationToken cancellationToken)
    {
        var payload = await RequestBodies.ReadAsync(request, MaxPayloadBytes, cancellationToken);
        if (payload is null)
        {
            return TypedResults.Json(
                new LambdaError($"Request must be smaller than {MaxPayloadBytes} bytes for the InvokeFunction operation", "RequestTooLargeException"),
                statusCode: StatusCodes.Status413PayloadTooLarge);
        }

        var function = For(name);
        var invocation = new Invocation(Guid.NewGuid().ToString(), payload, request.Headers["X-Amz-Trace-Id"].ToString(), DateTimeOffset.UtcNow + function.Timeout);
        _inflight[invocation.RequestId] = invocation;
        Interlocked.Increment(ref function.Invocations);
        await function.Queue.Writer.WriteAsync(invocation, cancellationToken);
        Outcome outcome;
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, lifetime.ApplicationStopping);
        try
        {
            outcome = await invocation.Result.Task.WaitAsync(function.Timeout, stopping.Token);
        }
        catch (TimeoutException)
        {
            _inflight.TryRemove(invocation.RequestId, out _);
            logger.LogWarning("{Function} did not answer invocation {RequestId} within {Timeout}", name, invocation.RequestId, function.Timeout);
            outcome = Outcome.Error(JsonSerializer.SerializeToUtf8Bytes(
                new LambdaError($"Task timed out after {function.Timeout.TotalSeconds:0.00} seconds", "Sandbox.Timedout"), EmulatorJson.Default.LambdaError));
        }

        request.HttpContext.Response.Headers["X-Amz-Executed-Version"] = "$LATEST";
        if (outcome.IsError)
        {
            request.HttpContext.Response.Headers["X-Amz-Function-Error"] = "Unhandled";
        }

        return TypedResults.Bytes(outcome.Body, "application/json");
    }

    /// <summary>GET …/runtime/invocation/next: waits for the function's next event, as Lambda does.</summary>
    public async Task NextAsync(string name, HttpContext context)
    {
        var function = For(name);
        Interlocked.Increment(ref function.Waiting);
        Invocation invocation;
        // A function's long poll would otherwise hold the server's shutdown until its timeout.
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, lifetime.ApplicationStopping);
        try
        {
            invocation = await function.Queue.Reader.ReadAsync(stopping.Token);
        }
        catch (OperationCanceledException) when (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return;
        }
        finally
        {
            Interlocked.Decrement(ref function.Waiting);
        }

        var headers = context.Response.Headers;
        headers["Lambda-Runtime-Aws-Request-Id"] = invocation.RequestId;
        headers["Lambda-Runtime-Deadline-Ms"] = invocation.Deadline.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
        headers["Lambda-Runtime-Invoked-Function-Arn"] = $"arn:aws:lambda:us-east-1:000000000000:function:{name}";
        if (invocation.TraceId.Length > 0)
        {
            headers["Lambda-Runtime-Trace-Id"] = invocation.TraceId;
        }

        context.Response.ContentType = "application/json";
        await context.Response.Body.WriteAsync(invocation.Payload, context.RequestAborted);
    }

    public async Task<IResult> RespondAsync(string id, HttpRequest request, bool isError, CancellationToken cancellationToken)
    {
        var body = await RequestBodies.ReadAsync(request, isError ? int.MaxValue : MaxPayloadBytes, cancellationToken);
        if (!_inflight.TryRemove(id, out var invocation))
        {
            return TypedResults.Json(new LambdaError("Invalid request ID", "InvalidRequestID"), statusCode: StatusCodes.Status400BadRequest);
        }

        if (body is null)
        {
            // The function's answer is lost to the caller, who sees a function error, as in Lambda.
            invocation.Result.TrySetResult(Outcome.Error(JsonSerializer.SerializeToUtf8Bytes(
                new LambdaError("Response payload size exceeded maximum allowed payload size (6291556 bytes).", "Function.ResponseSizeTooLarge"), EmulatorJson.Default.LambdaError)));
            return TypedResults.Json(new LambdaError("Exceeded maximum allowed payload size.", "RequestEntityTooLarge"), statusCode: StatusCodes.Status413PayloadTooLarge);
        }

        invocation.Result.TrySetResult(isError ? Outcome.Error(body) : Outcome.Success(body));
        return TypedResults.Accepted((string?)null);
    }

    public async Task<Accepted> InitErrorAsync(string name, HttpRequest request, CancellationToken cancellationToken)
    {
        var body = await RequestBodies.ReadAsync(request, int.MaxValue, cancellationToken) ?? [];
        logger.LogError("{Function} failed to start: {Error}", name, System.Text.Encoding.UTF8.GetString(body));
        return TypedResults.Accepted((string?)null);
    }

    /// <summary>What each function has done so far: for the dashboard's curious and for tests.</summary>
    public IReadOnlyDictionary<string, FunctionState> State() =>
        _functions.ToDictionary(f => f.Key, f => new FunctionState(Volatile.Read(ref f.Value.Invocations), Volatile.Read(ref f.Value.Waiting)));

    private sealed class Function(TimeSpan timeout)
    {
        public TimeSpan Timeout { get; } = timeout;

        public Channel<Invocation> Queue { get; } = Channel.CreateUnbounded<Invocation>();

        public int Invocations;

        public int Waiting;
    }

    private sealed record Invocation(string RequestId, byte[] Payload, string TraceId, DateTimeOffset Deadline)
    {
        public TaskCompletionSource<Outcome> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private sealed record Outcome(bool IsError, byte[] Body)
    {
        public static Outcome Success(byte[] body) => new(false, body);

        public static Outcome Error(byte[] body) => new(true, body);
    }
}

public sealed record LambdaError(string ErrorMessage, string ErrorType);

public sealed record FunctionState(int Invocations, int WaitingRuntimes);

public static class LambdaServiceEmulatorExtensions
{
    public static IHostApplicationBuilder AddLambdaServiceEmulator(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<LambdaServiceEmulator>();
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, EmulatorJson.Default));
        // Room for a 6 MB payload and a little more, so that a larger one is refused by Lambda's rule, not Kestrel's.
        builder.Services.Configure<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>(k => k.Limits.MaxRequestBodySize = 2 * LambdaServiceEmulator.MaxPayloadBytes);
        return builder;
    }

    public static WebApplication MapLambdaServiceEmulator(this WebApplication app)
    {
        var lambda = app.Services.GetRequiredService<LambdaServiceEmulator>();
        app.MapPost("/2015-03-31/functions/{name}/invocations", (string name, HttpRequest request, CancellationToken ct) => lambda.InvokeAsync(name, request, ct));
        var runtime = app.MapGroup("/{name}/2018-06-01/runtime");
        runtime.MapGet("/invocation/next", (string name, HttpContext context) => lambda.NextAsync(name, context));
        runtime.MapPost("/invocation/{id}/response", (string id, HttpRequest request, CancellationToken ct) => lambda.RespondAsync(id, request, isError: false, ct));
        runtime.MapPost("/invocation/{id}/error", (string id, HttpRequest request, CancellationToken ct) => lambda.RespondAsync(id, request, isError: true, ct));
        runtime.MapPost("/init/error", (string name, HttpRequest request, CancellationToken ct) => lambda.InitErrorAsync(name, request, ct));
        app.MapGet("/_emulator/functions", () => TypedResults.Ok(lambda.State()));
        return app;
    }
}
