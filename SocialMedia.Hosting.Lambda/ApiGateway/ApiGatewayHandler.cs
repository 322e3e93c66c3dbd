using System.Text.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using SocialMedia.Hosting.Lambda.Server;
using SocialMedia.Hosting.Lambda.Telemetry;

namespace SocialMedia.Hosting.Lambda.ApiGateway;

/// <summary>
/// Runs an API Gateway event through the application's own pipeline, in process: a feature
/// collection built from the event is what Kestrel would have built from a socket. Routing,
/// authentication, validation and problem details are all the app's; nothing is re-implemented here.
/// What the pipeline cannot answer itself (the deadline, an escaped exception, the 6 MB limit) is
/// answered with the app's own problem details when it has them, else with the bare status.
/// </summary>
internal sealed class ApiGatewayHandler<TContext>(
    IHttpApplication<TContext> application,
    IProblemDetailsService? problems,
    IServiceProvider services,
    TimeProvider clock,
    ILogger logger) : ILambdaHandler
    where TContext : notnull
{
    /// <summary>How long before Lambda's deadline RequestAborted fires, leaving time to answer.</summary>
    private static readonly TimeSpan s_deadlineMargin = TimeSpan.FromMilliseconds(500);

    public async Task<byte[]> HandleAsync(LambdaInvocation invocation, CancellationToken cancellationToken)
    {
        var isV2 = ApiGatewayPayload.IsVersion2(invocation.Payload);
        var request = isV2
            ? ApiGatewayRequestTranslator.FromV2(JsonSerializer.Deserialize(invocation.Payload, ApiGatewayJsonContext.Default.ApiGatewayV2Request)
                ?? throw new JsonException("The event is null."))
            : ApiGatewayRequestTranslator.FromV1(JsonSerializer.Deserialize(invocation.Payload, ApiGatewayJsonContext.Default.ApiGatewayV1Request)
                ?? throw new JsonException("The event is null."));
        if (XRayTraceHeader.TryParse(invocation.TraceId, out var trace))
        {
            // Lambda's trace context wins over whatever the client sent: it is the one X-Ray has
            // the API Gateway and Lambda segments under. The hosting layer and OpenTelemetry both
            // read traceparent, so this is all it takes to continue the trace.
            request.Headers["traceparent"] = trace.ToTraceParent();
            request.Headers.Remove("tracestate");
        }

        using var deadline = new CancellationTokenSource();
        using var aborted = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token, cancellationToken);
        if (invocation.Deadline is { } at)
        {
            var remaining = at - clock.GetUtcNow();
            var margin = TimeSpan.FromTicks(Math.Min(s_deadlineMargin.Ticks, Math.Max(0, remaining.Ticks / 10)));
            deadline.CancelAfter(remaining - margin > TimeSpan.Zero ? remaining - margin : TimeSpan.Zero);
        }

        using var response = new LambdaResponseFeature();
        var features = BuildFeatures(request, invocation.AwsRequestId, response, aborted);
        var context = application.CreateContext(features);
        Exception? escaped = null;
        try
        {
            await application.ProcessRequestAsync(context);
            await response.CompleteAsync();
        }
        catch (Exception e)
        {
            escaped = e;
        }

        if (deadline.IsCancellationRequested)
        {
            logger.LogError("The request ran into the function's deadline; answering 503");
            await WriteProblemAsync(features, response, StatusCodes.Status503ServiceUnavailable, "The request did not finish within the function's time limit.");
        }
        else if (escaped is not null)
        {
            // The app's exception handler answers almost everything; this is what it could not
            // (a failure in front of it, or after the response started).
            logger.LogError(escaped, "Unhandled exception escaped the pipeline for {Method} {Path}", request.Method, request.Path);
            await WriteProblemAsync(features, response, StatusCodes.Status500InternalServerError, null);
        }

        var payload = Serialize(isV2, response);
        if (payload.Length > ApiGatewayResponseTranslator.MaxPayloadBytes)
        {
            logger.LogError("The response for {Method} {Path} is {Bytes} bytes as a Lambda payload, over the 6 MB limit", request.Method, request.Path, payload.Length);
            await WriteProblemAsync(features, response, StatusCodes.Status500InternalServerError, "The response is larger than an AWS Lambda function can return (6 MB).");
            payload = Serialize(isV2, response);
        }

        try
        {
            await response.FireOnCompletedAsync();
        }
        finally
        {
            application.DisposeContext(context, escaped);
        }

        return payload;
    }

    private static FeatureCollection BuildFeatures(LambdaHttpRequest request, string requestId, LambdaResponseFeature response, CancellationTokenSource aborted)
    {
        var features = new FeatureCollection();
        var body = new LambdaRequestBody(request.Body);
        features.Set<IHttpRequestFeature>(new HttpRequestFeature
        {
            Protocol = request.Protocol,
            Scheme = request.Scheme,
            Method = request.Method,
            PathBase = "",
            Path = request.Path.Value ?? "/",
            QueryString = request.QueryString.Value ?? "",
            RawTarget = request.RawTarget,
            Headers = request.Headers,
            Body = body.Stream,
        });
        features.Set<IHttpRequestBodyDetectionFeature>(body);
        features.Set<IHttpMaxRequestBodySizeFeature>(body);
        features.Set<IHttpResponseFeature>(response);
        features.Set<IHttpResponseBodyFeature>(response);
        features.Set<IHttpConnectionFeature>(new HttpConnectionFeature
        {
            ConnectionId = requestId,
            // Rate limits and logs key on this: the caller as API Gateway saw it.
            RemoteIpAddress = request.RemoteIpAddress,
        });
        features.Set<IHttpRequestIdentifierFeature>(new HttpRequestIdentifierFeature { TraceIdentifier = requestId });
        features.Set<IHttpRequestLifetimeFeature>(new LifetimeFeature(aborted));
        return features;
    }

    private static byte[] Serialize(bool isV2, LambdaResponseFeature response) => isV2
        ? ApiGatewayResponseTranslator.ToV2(response.StatusCode, response.Headers, response.BodyBytes)
        : ApiGatewayResponseTranslator.ToV1(response.StatusCode, response.Headers, response.BodyBytes);

    /// <summary>Replaces the response with a problem written by the app's own problem-details service (same shape, same trace_id).</summary>
    private async Task WriteProblemAsync(FeatureCollection features, LambdaResponseFeature response, int status, string? detail)
    {
        response.Reset();
        var httpContext = new DefaultHttpContext(features);
        if (features.Get<IServiceProvidersFeature>() is null)
        {
            httpContext.RequestServices = services;
        }

        httpContext.Response.StatusCode = status;
        if (problems is null)
        {
            return;
        }

        try
        {
            await problems.TryWriteAsync(new ProblemDetailsContext
            {
                HttpContext = httpContext,
                ProblemDetails = { Status = status, Detail = detail },
            });
            await response.CompleteAsync();
        }
        catch (Exception e)
        {
            // Still answer: a bare status is better than a failed invocation.
            logger.LogError(e, "Could not write the {Status} problem response", status);
            response.Reset();
            response.StatusCode = status;
        }
    }

    /// <summary>RequestAborted fires shortly before Lambda's deadline, or when the app calls Abort().</summary>
    private sealed class LifetimeFeature(CancellationTokenSource aborted) : IHttpRequestLifetimeFeature
    {
        public CancellationToken RequestAborted { get; set; } = aborted.Token;

        public void Abort() => aborted.Cancel();
    }
}
