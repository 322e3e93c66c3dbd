using System.Diagnostics;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace SocialMedia.Api.Common;

/// <summary>RFC 9457 problem types of this API, and the few results handlers build from them.</summary>
public static class Problems
{
    public const string BaseUri = "https://social-media-api.dev/problems/";

    private static readonly Dictionary<int, (string Slug, string Title)> s_byStatus = new()
    {
        [400] = ("bad-request", "Bad request"),
        [401] = ("unauthorized", "Unauthorized"),
        [403] = ("forbidden", "Forbidden"),
        [404] = ("not-found", "Not found"),
        [405] = ("method-not-allowed", "Method not allowed"),
        [409] = ("conflict", "Conflict"),
        [413] = ("payload-too-large", "Payload too large"),
        [415] = ("unsupported-media-type", "Unsupported media type"),
        [422] = ("validation", "Validation failed"),
        [429] = ("rate-limited", "Too many requests"),
        [500] = ("internal", "Internal server error"),
        [503] = ("unavailable", "Service unavailable"),
    };

    private static readonly Dictionary<int, string> s_defaultDetail = new()
    {
        [400] = "The request could not be understood.",
        [401] = "A valid bearer token is required.",
        [403] = "You are not allowed to do this.",
        [404] = "The resource does not exist.",
        [405] = "The resource does not support this method.",
        [409] = "The request conflicts with the current state of the resource.",
        [413] = "The request body is larger than 64 KiB.",
        [415] = "The request body must be application/json.",
        [422] = "One or more fields are invalid.",
        [429] = "Too many requests. Try again later.",
        [500] = "An unexpected error occurred. Quote the trace_id when reporting it.",
        [503] = "The service is temporarily unavailable.",
    };

    /// <summary>The type, title and default detail every response of this status carries (for the OpenAPI document's examples).</summary>
    internal static (string Type, string Title, string? Detail) Describe(int status) =>
        s_byStatus.TryGetValue(status, out var known)
            ? (BaseUri + known.Slug, known.Title, s_defaultDetail.GetValueOrDefault(status))
            : (BaseUri + "unknown", $"HTTP {status}", null);

    /// <summary>
    /// Fills in what every problem response of the API carries, whoever produced it: our
    /// handlers, the status-code pages (404/405/415), authentication (401) or the exception handler.
    /// </summary>
    public static void Customize(ProblemDetailsContext context)
    {
        var problem = context.ProblemDetails;
        var status = problem.Status ?? context.HttpContext.Response.StatusCode;
        problem.Status = status;
        if (s_byStatus.TryGetValue(status, out var known))
        {
            if (problem.Type is null || problem.Type.StartsWith("https://tools.ietf.org/", StringComparison.Ordinal))
            {
                problem.Type = BaseUri + known.Slug;
            }

            problem.Title = known.Title;
        }

        problem.Detail ??= s_defaultDetail.GetValueOrDefault(status);
        // The framework adds "traceId" (W3C full id) and "requestId"; the contract has one field.
        problem.Extensions.Remove("traceId");
        problem.Extensions.Remove("requestId");
        problem.Extensions["trace_id"] = TraceId(context.HttpContext);
        // "instance" would echo the path; nothing gained, and it can carry what the client sent.
        problem.Instance = null;
    }

    /// <summary>
    /// The request's trace id: its span's when it is traced; otherwise the caller's W3C
    /// <c>traceparent</c> (no span is started for a request nobody traces, see appsettings.json);
    /// otherwise a new one, kept for the rest of the request, so that the answer and the log line
    /// of a failure name the same id.
    /// </summary>
    public static string TraceId(HttpContext context) =>
        Activity.Current?.TraceId.ToHexString()
        ?? context.Features.Get<IHttpActivityFeature>()?.Activity.TraceId.ToHexString()
        ?? CallersTraceId(context.Request.Headers)
        ?? NewTraceId(context);

    private static string? CallersTraceId(IHeaderDictionary headers) =>
        ActivityContext.TryParse(headers.TraceParent, headers.TraceState, out var caller) ? caller.TraceId.ToHexString() : null;

    private static string NewTraceId(HttpContext context)
    {
        if (context.Items.TryGetValue(typeof(Problems), out var kept) && kept is string id)
        {
            return id;
        }

        var created = ActivityTraceId.CreateRandom().ToHexString();
        context.Items[typeof(Problems)] = created;
        return created;
    }

    public static ProblemHttpResult NotFound(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, detail: detail);

    public static ProblemHttpResult Forbidden(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, detail: detail);

    public static ProblemHttpResult Unauthorized(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, detail: detail);

    public static ProblemHttpResult Conflict(string detail, IDictionary<string, string[]> errors) =>
        TypedResults.Problem(new ProblemDetails
        {
            Status = StatusCodes.Status409Conflict,
            Detail = detail,
            Extensions = { ["errors"] = errors },
        });

    /// <summary>422 with field errors (TypedResults.ValidationProblem is fixed at 400).</summary>
    public static ProblemHttpResult Validation(IDictionary<string, string[]> errors) =>
        TypedResults.Problem(new HttpValidationProblemDetails(errors)
        {
            Status = StatusCodes.Status422UnprocessableEntity,
            Type = BaseUri + "validation",
            Detail = s_defaultDetail[422],
        });

    public static ProblemHttpResult Validation(string field, string message) =>
        Validation(new Dictionary<string, string[]> { [field] = [message] });
}
