namespace SocialMedia.Api.Hosting.Lambda;

/// <summary>
/// The runtime's loop: take the next event, run it, post the answer (or the error), repeat. One
/// invocation at a time, as Lambda sends them. Nothing a single invocation does can end the loop;
/// only the Runtime API failing does.
/// </summary>
internal sealed class LambdaInvocationLoop(LambdaRuntimeClient runtime, LambdaTelemetry telemetry, ILogger<LambdaInvocationLoop> logger)
{
    public const string TraceIdVariable = "_X_AMZN_TRACE_ID";

    /// <summary>Set once the first <c>/next</c> went out: from then on, failures are no longer init errors.</summary>
    public static bool Started { get; private set; }

    public async Task RunAsync(ILambdaHandler handler, CancellationToken stopping)
    {
        Started = true;
        while (!stopping.IsCancellationRequested)
        {
            LambdaInvocation invocation;
            try
            {
                invocation = await runtime.GetNextInvocationAsync(stopping);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }

            await InvokeAsync(handler, invocation);
        }
    }

    private async Task InvokeAsync(ILambdaHandler handler, LambdaInvocation invocation)
    {
        // The X-Ray SDK and other libraries read the trace of the current invocation from here.
        Environment.SetEnvironmentVariable(TraceIdVariable, invocation.TraceId);
        using var scope = logger.BeginScope(new Dictionary<string, object> { ["AwsRequestId"] = invocation.RequestId });

        byte[]? payload = null;
        LambdaError? error = null;
        try
        {
            // Not cancelled on shutdown: Lambda only stops a sandbox between invocations.
            payload = await handler.HandleAsync(invocation, CancellationToken.None);
        }
        catch (LambdaUnauthorizedException e)
        {
            error = new LambdaError("Unauthorized", e.Message, []);
        }
        catch (Exception e)
        {
            logger.LogError(e, "Invocation {AwsRequestId} failed", invocation.RequestId);
            error = LambdaError.From(e);
        }

        telemetry.Flush(invocation.Deadline);

        if (payload is not null
            && await runtime.PostResponseAsync(invocation.RequestId, payload, CancellationToken.None) == LambdaResponseOutcome.TooLarge)
        {
            logger.LogError("The Runtime API refused the {Bytes}-byte response of {AwsRequestId} as too large", payload.Length, invocation.RequestId);
            error = new LambdaError("Function.ResponseSizeTooLarge", $"The response ({payload.Length} bytes) is over the Lambda payload limit.", []);
        }

        if (error is not null)
        {
            await runtime.PostInvocationErrorAsync(invocation.RequestId, error, CancellationToken.None);
        }
    }
}
