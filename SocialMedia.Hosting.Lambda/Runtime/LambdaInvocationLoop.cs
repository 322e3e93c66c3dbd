using Microsoft.Extensions.Logging;

namespace SocialMedia.Hosting.Lambda.Runtime;

/// <summary>
/// The runtime's loop: take the next event, run it, post the answer (or the error), repeat. One
/// invocation at a time, as Lambda sends them. Nothing a single invocation does can end the loop;
/// only the Runtime API failing does.
/// </summary>
internal sealed class LambdaInvocationLoop(
    LambdaRuntimeClient runtime,
    LambdaInitErrorReporter initErrors,
    Telemetry.LambdaTelemetry telemetry,
    ILogger<LambdaInvocationLoop> logger)
{
    public const string TraceIdVariable = "_X_AMZN_TRACE_ID";

    public async Task RunAsync(ILambdaHandler handler, CancellationToken stopping)
    {
        // From the first /next on, a failure belongs to an invocation, not to the start.
        initErrors.InvocationsStarted();
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
        // Lambda's contract, kept as RuntimeSupport keeps it: the X-Ray SDK and other libraries read
        // the current invocation's trace from this process-wide variable. One invocation runs at a time.
        Environment.SetEnvironmentVariable(TraceIdVariable, invocation.TraceId);
        using var scope = logger.BeginScope(new Dictionary<string, object> { ["AwsRequestId"] = invocation.AwsRequestId });

        byte[]? payload = null;
        LambdaError? error = null;
        try
        {
            // Not cancelled on shutdown: Lambda only stops a sandbox between invocations.
            payload = await handler.HandleAsync(invocation, CancellationToken.None);
        }
        catch (LambdaErrorException e)
        {
            logger.LogInformation("Invocation {AwsRequestId} answered with the error {ErrorType}: {ErrorMessage}", invocation.AwsRequestId, e.ErrorType, e.Message);
            error = new LambdaError(e.ErrorType, e.Message, []);
        }
        catch (Exception e)
        {
            logger.LogError(e, "Invocation {AwsRequestId} failed", invocation.AwsRequestId);
            error = LambdaError.From(e);
        }

        telemetry.Flush(invocation.Deadline);

        if (payload is not null
            && await runtime.PostResponseAsync(invocation.AwsRequestId, payload, CancellationToken.None) == LambdaResponseOutcome.TooLarge)
        {
            logger.LogError("The Runtime API refused the {Bytes}-byte response of {AwsRequestId} as too large", payload.Length, invocation.AwsRequestId);
            error = new LambdaError("Function.ResponseSizeTooLarge", $"The response ({payload.Length} bytes) is over the Lambda payload limit.", []);
        }

        if (error is not null)
        {
            await runtime.PostInvocationErrorAsync(invocation.AwsRequestId, error, CancellationToken.None);
        }
    }
}
