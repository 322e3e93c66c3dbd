namespace SocialMedia.Hosting.Lambda;

/// <summary>
/// One entry of the function, picked by <c>_HANDLER</c>: it turns an invocation's event into the
/// JSON document posted back to the Runtime API. Shaped after Amazon.Lambda.RuntimeSupport's
/// <c>LambdaBootstrapHandler</c> (event bytes and context in, response bytes out; an exception is
/// the invocation's error). Add one with <see cref="LambdaHandlerServiceCollectionExtensions.AddLambdaHandler{THandler}"/>.
/// </summary>
public interface ILambdaHandler
{
    Task<byte[]> HandleAsync(LambdaInvocation invocation, CancellationToken cancellationToken);
}

/// <summary>
/// One event taken from <c>/runtime/invocation/next</c>, with the headers that describe it (named as
/// in RuntimeSupport's <c>ILambdaContext</c>). <paramref name="TraceId"/> is the X-Ray header; for a
/// handler added with <c>AddLambdaHandler</c> the host has already continued that trace in
/// <see cref="System.Diagnostics.Activity.Current"/>.
/// </summary>
public sealed record LambdaInvocation(
    string AwsRequestId,
    DateTimeOffset? Deadline,
    string? InvokedFunctionArn,
    string? TraceId,
    byte[] Payload);

/// <summary>
/// An error the handler means to answer with, not a failure: posted as the invocation's error with
/// this type and message, no stack trace, and logged as information. (An API Gateway authorizer
/// refuses a token this way: API Gateway answers 401 to the error message "Unauthorized".)
/// </summary>
public sealed class LambdaErrorException(string errorType, string message) : Exception(message)
{
    public string ErrorType { get; } = errorType;
}
