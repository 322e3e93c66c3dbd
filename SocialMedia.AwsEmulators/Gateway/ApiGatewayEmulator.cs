using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace SocialMedia.AwsEmulators.Gateway;

/// <summary>
/// API Gateway in front of the Lambda service emulator, as deploy/ configures the real one: the
/// routes of routes.json, each to its function; the Lambda authorizer first on "required" routes,
/// its policy cached per token; proxy events (REST payload 1.0, or HTTP API 2.0); the gateway's own
/// answers as deploy/'s problem bodies; Lambda's 6 MB payload limit and the 29 s integration timeout.
/// Each request starts a trace, passed to the function as its X-Ray trace header.
/// </summary>
public sealed partial class ApiGatewayEmulator(
    IOptions<GatewayOptions> options, ILogger<ApiGatewayEmulator> logger) : IDisposable
{
    /// <summary>API Gateway REST APIs take request bodies up to 10 MB; Lambda then refuses events over 6 MB.</summary>
    private const int MaxRequestBytes = 10 * 1024 * 1024;

    private readonly GatewayOptions _options = options.Value;
    private readonly RouteTable _routes = new(options.Value.Routes);
    private readonly MemoryCache _policies = new(new MemoryCacheOptions { SizeLimit = 10_000 });

    // A client of its own, not one from the factory: the app's defaults add a retrying resilience
    // handler, and API Gateway invokes a function once (an invocation is not safe to repeat).
    private readonly HttpClient _lambda = new(new SocketsHttpHandler()) { Timeout = Timeout.InfiniteTimeSpan };

    public async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var traceId = XRay.TraceHeader(Activity.Current);
        var rawPath = RawPath(context);
        var (routes, parameters) = _routes.Match(rawPath);
        if (routes.Count == 0)
        {
            await GatewayProblem.MissingAuthenticationToken.WriteAsync(context, traceId);
            return;
        }

        // A method the path does not list goes to the path's function through ANY, as deploy/ routes
        // it: the API answers CORS preflights and 405s with Allow itself. No authorizer there.
        var route = routes.FirstOrDefault(r => string.Equals(r.Method, request.Method, StringComparison.OrdinalIgnoreCase));
        var function = route?.Function ?? routes[0].Function;
        var resource = route?.Path ?? routes[0].Path;

        JsonObject? authorizer = null;
        if (route is { RequiresAuth: true })
        {
            var decision = await AuthorizeAsync(context, rawPath, traceId);
            if (decision.Problem is { } refused)
            {
                await refused.WriteAsync(context, traceId);
                return;
            }

            authorizer = decision.Context;
        }

        var body = await RequestBodies.ReadAsync(request, MaxRequestBytes, context.RequestAborted);
        if (body is null)
        {
            await GatewayProblem.RequestTooLarge.WriteAsync(context, traceId);
            return;
        }

        var payload = _options.Type == GatewayKind.Rest
            ? ProxyEvents.RestV1(context, rawPath, resource, parameters, body, _options.Stage, authorizer)
            : ProxyEvents.HttpV2(context, rawPath, resource, parameters, body, authorizer);
        var answer = await InvokeAsync(function, payload, traceId, context.RequestAborted);
        switch (answer.Status)
        {
            case InvokeStatus.TimedOut:
                await GatewayProblem.IntegrationTimeout.WriteAsync(context, traceId);
                return;
            case InvokeStatus.TooLarge:
                await GatewayProblem.RequestTooLarge.WriteAsync(context, traceId);
                return;
            case InvokeStatus.Failed:
                logger.LogWarning("{Function} failed: {Error}", function, Encoding.UTF8.GetString(answer.Body));
                await GatewayProblem.IntegrationFailure.WriteAsync(context, traceId);
                return;
        }

        if (!await ProxyEvents.TryWriteResponseAsync(context, answer.Body))
        {
            logger.LogWarning("{Function} answered something that is not a proxy response: {Body}", function, Encoding.UTF8.GetString(answer.Body));
            await GatewayProblem.IntegrationFailure.WriteAsync(context, traceId);
        }
    }

    /// <summary>
    /// The TOKEN authorizer as deploy/ sets it up: the Authorization header must look like a bearer
    /// JWS (else 401 without calling the function), the policy is cached per header value for the
    /// TTL, "Unauthorized" is a 401, a policy that does not allow this method ARN a 403, and any
    /// other failure of the authorizer a 503 (AUTHORIZER_FAILURE).
    /// </summary>
    private async Task<Decision> AuthorizeAsync(HttpContext context, string rawPath, string traceId)
    {
        var header = context.Request.Headers.Authorization.ToString();
        if (!IdentityValidation().IsMatch(header))
        {
            return Decision.Refuse(GatewayProblem.Unauthorized);
        }

        var methodArn = $"arn:aws:execute-api:us-east-1:000000000000:local/{_options.Stage}/{context.Request.Method.ToUpperInvariant()}{rawPath}";
        if (!_policies.TryGetValue(header, out AuthorizerPolicy? policy))
        {
            var tokenEvent = new JsonObject { ["type"] = "TOKEN", ["authorizationToken"] = header, ["methodArn"] = methodArn };
            var answer = await InvokeAsync(_options.AuthorizerFunction!, Encoding.UTF8.GetBytes(tokenEvent.ToJsonString()), traceId, context.RequestAborted);
            if (answer.Status == InvokeStatus.Failed && IsUnauthorized(answer.Body))
            {
                return Decision.Refuse(GatewayProblem.Unauthorized);
            }

            if (answer.Status != InvokeStatus.Succeeded || AuthorizerPolicy.Parse(answer.Body) is not { } parsed)
            {
                logger.LogWarning("The authorizer failed ({Status}): {Body}", answer.Status, Encoding.UTF8.GetString(answer.Body));
                return Decision.Refuse(GatewayProblem.AuthorizerFailure);
            }

            policy = parsed;
            if (_options.AuthorizerCacheTtlSeconds > 0)
            {
                _policies.Set(header, policy, new MemoryCacheEntryOptions { AbsoluteExpirationRelativeToNow = TimeSpan.FromSeconds(_options.AuthorizerCacheTtlSeconds), Size = 1 });
            }
        }

        return policy!.Allows(methodArn) ? Decision.Allow(policy.RequestContext()) : Decision.Refuse(GatewayProblem.AccessDenied);
    }

    private static bool IsUnauthorized(byte[] error)
    {
        try
        {
            using var document = JsonDocument.Parse(error);
            return document.RootElement.TryGetProperty("errorMessage", out var message) && message.GetString() == "Unauthorized";
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private async Task<InvokeAnswer> InvokeAsync(string function, byte[] payload, string traceId, CancellationToken aborted)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(aborted);
        timeout.CancelAfter(TimeSpan.FromSeconds(_options.IntegrationTimeoutSeconds));
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(new Uri(_options.LambdaEndpoint), $"2015-03-31/functions/{Uri.EscapeDataString(function)}/invocations"))
        {
            Content = new ByteArrayContent(payload),
        };
        request.Headers.TryAddWithoutValidation("X-Amz-Trace-Id", traceId);
        try
        {
            using var response = await _lambda.SendAsync(request, timeout.Token);
            var body = await response.Content.ReadAsByteArrayAsync(timeout.Token);
            return response.StatusCode switch
            {
                HttpStatusCode.RequestEntityTooLarge => new InvokeAnswer(InvokeStatus.TooLarge, body),
                HttpStatusCode.OK when !response.Headers.Contains("X-Amz-Function-Error") => new InvokeAnswer(InvokeStatus.Succeeded, body),
                _ => new InvokeAnswer(InvokeStatus.Failed, body),
            };
        }
        catch (OperationCanceledException) when (!aborted.IsCancellationRequested)
        {
            return new InvokeAnswer(InvokeStatus.TimedOut, []);
        }
        catch (HttpRequestException e)
        {
            return new InvokeAnswer(InvokeStatus.Failed, Encoding.UTF8.GetBytes(e.Message));
        }
    }

    /// <summary>The path as the client sent it (percent-encoding kept), without the query.</summary>
    private static string RawPath(HttpContext context)
    {
        var target = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? context.Request.Path.Value ?? "/";
        var query = target.IndexOf('?', StringComparison.Ordinal);
        return query < 0 ? target : target[..query];
    }

    public void Dispose()
    {
        _policies.Dispose();
        _lambda.Dispose();
    }

    // deploy/'s identityValidationExpression: anything else is refused before the authorizer runs.
    [GeneratedRegex("^[Bb]earer [A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]*$")]
    private static partial Regex IdentityValidation();

    private enum InvokeStatus
    {
        Succeeded,
        Failed,
        TimedOut,
        TooLarge,
    }

    private sealed record InvokeAnswer(InvokeStatus Status, byte[] Body);

    private sealed record Decision(GatewayProblem? Problem, JsonObject? Context)
    {
        public static Decision Allow(JsonObject context) => new(null, context);

        public static Decision Refuse(GatewayProblem problem) => new(problem, null);
    }
}

/// <summary>An authorizer's answer: its principal, context and the statements of its policy.</summary>
public sealed record AuthorizerPolicy(string PrincipalId, IReadOnlyList<(bool Allow, string Resource)> Statements, IReadOnlyDictionary<string, string> Context)
{
    public static AuthorizerPolicy? Parse(byte[] body)
    {
        try
        {
            var root = JsonNode.Parse(body);
            var statements = new List<(bool, string)>();
            foreach (var statement in root?["policyDocument"]?["Statement"]?.AsArray() ?? [])
            {
                var allow = string.Equals(statement?["Effect"]?.GetValue<string>(), "Allow", StringComparison.OrdinalIgnoreCase);
                var resources = statement?["Resource"] switch
                {
                    JsonArray array => array.Select(r => r?.GetValue<string>() ?? ""),
                    JsonValue value => [value.GetValue<string>()],
                    _ => [],
                };
                statements.AddRange(resources.Select(r => (allow, r)));
            }

            var context = root?["context"]?.AsObject().ToDictionary(p => p.Key, p => p.Value?.ToString() ?? "") ?? [];
            return new AuthorizerPolicy(root?["principalId"]?.GetValue<string>() ?? "", statements, context);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            return null;
        }
    }

    /// <summary>IAM's rule: an explicit Deny wins, then any Allow; ARNs match with <c>*</c> and <c>?</c> wildcards.</summary>
    public bool Allows(string methodArn) =>
        !Statements.Any(s => !s.Allow && Matches(s.Resource, methodArn)) && Statements.Any(s => s.Allow && Matches(s.Resource, methodArn));

    private static bool Matches(string pattern, string arn) =>
        Regex.IsMatch(arn, "^" + Regex.Escape(pattern).Replace("\\*", ".*", StringComparison.Ordinal).Replace("\\?", ".", StringComparison.Ordinal) + "$", RegexOptions.None, TimeSpan.FromSeconds(1));

    /// <summary>requestContext.authorizer as the function sees it: the principal and the context's pairs.</summary>
    public JsonObject RequestContext()
    {
        var context = new JsonObject { ["principalId"] = PrincipalId };
        foreach (var (key, value) in Context)
        {
            context[key] = value;
        }

        return context;
    }
}

/// <summary>X-Ray's trace header for a span: the W3C trace id split as X-Ray writes it, and the span as parent.</summary>
public static class XRay
{
    public static string TraceHeader(Activity? activity)
    {
        var trace = activity?.TraceId.ToHexString() ?? ActivityTraceId.CreateRandom().ToHexString();
        var parent = activity?.SpanId.ToHexString() ?? ActivitySpanId.CreateRandom().ToHexString();
        return string.Create(CultureInfo.InvariantCulture, $"Root=1-{trace[..8]}-{trace[8..]};Parent={parent};Sampled=1");
    }

    /// <summary>$context.xrayTraceId: the Root of <see cref="TraceHeader"/>.</summary>
    public static string TraceId(string header) => header.Split(';')[0]["Root=".Length..];

    /// <summary>The same trace id as W3C spells it, and the API in its problem details: 32 hex digits.</summary>
    public static string W3CTraceId(string header) => TraceId(header)[2..].Replace("-", "", StringComparison.Ordinal);
}
