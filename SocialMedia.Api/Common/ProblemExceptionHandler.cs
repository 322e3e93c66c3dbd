using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace SocialMedia.Api.Common;

/// <summary>
/// The one place exceptions become responses. Framework rejections of the request (bad JSON,
/// wrong content type, too large) keep their status; a dependency that could not answer
/// (<see cref="DependencyOutage"/>) is a 503 with Retry-After; anything else is a 500. Either way
/// the body says nothing but the trace id: exception messages, SQL and stack traces stay in the logs.
/// </summary>
internal sealed class ProblemExceptionHandler(IProblemDetailsService problems, ILogger<ProblemExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is OperationCanceledException && httpContext.RequestAborted.IsCancellationRequested)
        {
            // The client went away; there is nobody to answer.
            return true;
        }

        var (status, detail) = exception switch
        {
            BadHttpRequestException { InnerException: JsonException json } => (400, DescribeJsonError(json)),
            BadHttpRequestException { StatusCode: 413 } => (413, null),
            BadHttpRequestException { StatusCode: 415 } => (415, null),
            BadHttpRequestException bad when bad.StatusCode is >= 400 and < 500 => (bad.StatusCode, "The request body is missing or could not be read."),
            _ when DependencyOutage.IsOutage(exception) => (503, "A service this request depends on is unavailable. Try again after Retry-After seconds."),
            _ => (500, null),
        };

        if (status == 503)
        {
            // Expected during a restart or failover, and answered honestly: a warning, not an error
            // that pages someone (the health check and the dependency's own alarms do that).
            logger.LogWarning(exception, "Dependency unavailable for {Method} {Path} (trace_id {TraceId})", httpContext.Request.Method, httpContext.Request.Path, Problems.TraceId(httpContext));
            httpContext.Response.Headers.RetryAfter = ((int)DependencyOutage.RetryAfter.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        else if (status == 500)
        {
            // The trace id the answer carries, so that a user's quote finds this line with or without tracing.
            logger.LogError(exception, "Unhandled exception for {Method} {Path} (trace_id {TraceId})", httpContext.Request.Method, httpContext.Request.Path, Problems.TraceId(httpContext));
        }
        else
        {
            logger.LogDebug("Rejected request {Method} {Path} with {Status}: {Reason}", httpContext.Request.Method, httpContext.Request.Path, status, exception.Message);
        }

        httpContext.Response.StatusCode = status;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails = new ProblemDetails { Status = status, Detail = detail },
        });
    }

    private static string DescribeJsonError(JsonException json) =>
        // The JSON path is the client's own field name ("$.content"): useful, and nothing internal.
        string.IsNullOrEmpty(json.Path) || json.Path == "$"
            ? "The request body is not valid JSON."
            : $"The request body is not valid JSON, or a field has the wrong type (at {json.Path}).";
}
