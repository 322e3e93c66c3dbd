using System.Text.Json.Nodes;

namespace SocialMedia.AwsEmulators.Gateway;

/// <summary>
/// The answers API Gateway gives itself, with the bodies and headers deploy/ gives them
/// (deploy/terraform/modules/api-gateway/locals.tf, <c>gateway_responses</c>): RFC 9457 problem
/// details carrying the request's trace id, the caller's Origin echoed so a browser can read them.
/// The id is spelled as the API spells it (32 hex digits, the contract's form); AWS's own gateway
/// writes the same id in X-Ray's form (<c>$context.xrayTraceId</c>, <c>1-…-…</c>).
/// </summary>
public sealed record GatewayProblem(int Status, string Slug, string Title, string Detail, string? WwwAuthenticate = null, string? RetryAfter = null)
{
    private const string ProblemBase = "https://social-media-api.dev/problems/";

    public static readonly GatewayProblem MissingAuthenticationToken = new(404, "not-found", "Not found", "The resource does not exist.");
    public static readonly GatewayProblem Unauthorized = new(401, "unauthorized", "Unauthorized", "A valid bearer token is required.", WwwAuthenticate: "Bearer error=\"invalid_token\"");
    public static readonly GatewayProblem AccessDenied = new(403, "forbidden", "Forbidden", "You are not allowed to do this.");
    public static readonly GatewayProblem AuthorizerFailure = new(503, "unavailable", "Service unavailable", "A service this request depends on is unavailable. Try again after Retry-After seconds.", RetryAfter: "5");
    public static readonly GatewayProblem RequestTooLarge = new(413, "payload-too-large", "Payload too large", "The request is larger than API Gateway passes to a function.");
    public static readonly GatewayProblem IntegrationFailure = new(502, "internal", "Bad gateway", "The function failed to answer. Quote the trace_id when reporting it.");
    public static readonly GatewayProblem IntegrationTimeout = new(504, "internal", "Gateway timeout", "The function did not answer in time. Quote the trace_id when reporting it.");

    public async Task WriteAsync(HttpContext context, string traceHeader)
    {
        var response = context.Response;
        response.StatusCode = Status;
        response.ContentType = "application/problem+json";
        var origin = context.Request.Headers.Origin.ToString();
        if (origin.Length > 0)
        {
            response.Headers.AccessControlAllowOrigin = origin;
        }

        response.Headers.AccessControlExposeHeaders = "Retry-After, WWW-Authenticate";
        response.Headers.Vary = "Origin";
        if (WwwAuthenticate is not null)
        {
            response.Headers.WWWAuthenticate = WwwAuthenticate;
        }

        if (RetryAfter is not null)
        {
            response.Headers.RetryAfter = RetryAfter;
        }

        var body = new JsonObject
        {
            ["type"] = ProblemBase + Slug,
            ["title"] = Title,
            ["status"] = Status,
            ["detail"] = Detail,
            ["trace_id"] = XRay.W3CTraceId(traceHeader),
        };
        await response.WriteAsync(body.ToJsonString(), context.RequestAborted);
    }
}
