using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Serialization;
using SocialMedia.Hosting.Lambda;

namespace SocialMedia.Api.Features.Auth;

/// <summary>
/// <c>_HANDLER=authorizer</c>: the API Gateway Lambda authorizer, validating with the very code the
/// API uses (<see cref="TokenService"/>, and <see cref="AuthStore"/> for revocation).
/// A valid token gets an Allow policy for every method of the API's stage, wildcarded, so one
/// cached answer serves all routes; anything else gets the error "Unauthorized", which API
/// Gateway turns into a 401. The API checks the token again itself: a token revoked while an
/// Allow sits in the authorizer cache is still refused there.
/// </summary>
internal sealed class LambdaAuthorizer(TokenService tokens, AuthStore auth, ILogger<LambdaAuthorizer> logger) : ILambdaHandler
{
    /// <summary>The <c>_HANDLER</c> value of the authorizer function (deploy/ sets it).</summary>
    public const string HandlerName = "authorizer";

    public async Task<byte[]> HandleAsync(LambdaInvocation invocation, CancellationToken cancellationToken)
    {
        try
        {
            return await DecideAsync(invocation, cancellationToken);
        }
        catch (Exception e) when (e is not LambdaErrorException and not JsonException)
        {
            // The one line deploy/'s authorizer alarm counts (a log metric filter on "AuthorizerFault"):
            // refusals fail the invocation too, so Lambda's Errors metric cannot tell the two apart.
            logger.LogError(e, "AuthorizerFault: could not decide on a token ({Type})", e.GetType().Name);
            throw;
        }
    }

    private async Task<byte[]> DecideAsync(LambdaInvocation invocation, CancellationToken cancellationToken)
    {
        var request = JsonSerializer.Deserialize(invocation.Payload, AuthorizerJsonContext.Default.AuthorizerRequest)
            ?? throw new JsonException("The event is null.");
        var arn = request.MethodArn ?? request.RouteArn;
        // The host continues the invocation's trace in a span of its own around this handler.
        var activity = Activity.Current;

        var token = BearerToken(request);
        if (token is null || arn is null || StageWildcard(arn) is not { } resource)
        {
            throw Deny(activity, token is null ? "no bearer token" : "no method ARN");
        }

        var check = await tokens.ValidateAsync(token);
        if (!check.IsValid)
        {
            throw Deny(activity, "invalid token");
        }

        if (await auth.IsRevokedAsync(check.Jti!, cancellationToken))
        {
            throw Deny(activity, "revoked token");
        }

        var userId = check.UserId.ToString();
        activity?.SetTag("enduser.id", userId);
        var response = new AuthorizerResponse
        {
            PrincipalId = userId,
            PolicyDocument = new PolicyDocument { Statement = [new PolicyStatement { Effect = "Allow", Resource = [resource] }] },
            Context = new Dictionary<string, string> { ["user_id"] = userId },
        };
        return JsonSerializer.SerializeToUtf8Bytes(response, AuthorizerJsonContext.Default.AuthorizerResponse);
    }

    /// <summary>TOKEN events carry the header's value; REQUEST events carry the headers (any case).</summary>
    internal static string? BearerToken(AuthorizerRequest request)
    {
        var value = string.Equals(request.Type, "TOKEN", StringComparison.OrdinalIgnoreCase)
            ? request.AuthorizationToken
            : request.Headers?.FirstOrDefault(h => string.Equals(h.Key, "Authorization", StringComparison.OrdinalIgnoreCase)).Value
                ?? request.MultiValueHeaders?.FirstOrDefault(h => string.Equals(h.Key, "Authorization", StringComparison.OrdinalIgnoreCase)).Value?.FirstOrDefault();
        const string scheme = "Bearer ";
        if (value is null || value.Length <= scheme.Length || !value.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var token = value[scheme.Length..].Trim();
        return token.Length == 0 ? null : token;
    }

    /// <summary>
    /// arn:aws:execute-api:{region}:{account}:{apiId}/{stage}/{method}/{path…} →
    /// arn:aws:execute-api:{region}:{account}:{apiId}/{stage}/*/*: the policy is cached per token,
    /// so it must cover every route the token may call, not only the first one.
    /// </summary>
    internal static string? StageWildcard(string arn)
    {
        var parts = arn.Split(':', 6);
        if (parts.Length != 6 || parts[0] != "arn" || parts[2] != "execute-api")
        {
            return null;
        }

        var path = parts[5].Split('/');
        return path.Length < 2 || path[0].Length == 0 || path[1].Length == 0
            ? null
            : $"{string.Join(':', parts[..5])}:{path[0]}/{path[1]}/*/*";
    }

    /// <summary>API Gateway answers 401 when an authorizer fails with exactly the message "Unauthorized".</summary>
    private LambdaErrorException Deny(Activity? activity, string reason)
    {
        activity?.SetTag("authorizer.decision", "unauthorized");
        logger.LogInformation("Unauthorized: {Reason}", reason);
        return new LambdaErrorException("Unauthorized", "Unauthorized");
    }
}

// The wire shapes of API Gateway's Lambda authorizers ("Input to an API Gateway Lambda authorizer",
// "Output from an API Gateway Lambda authorizer" in the API Gateway developer guide): only the
// fields the authorizer reads or writes.

/// <summary>
/// A Lambda authorizer event: <c>TOKEN</c> (authorizationToken + methodArn) or <c>REQUEST</c>
/// (headers + methodArn, or routeArn for HTTP APIs).
/// </summary>
internal sealed class AuthorizerRequest
{
    public string? Version { get; set; }
    public string? Type { get; set; }
    public string? AuthorizationToken { get; set; }
    public string? MethodArn { get; set; }
    public string? RouteArn { get; set; }
    public Dictionary<string, string?>? Headers { get; set; }
    public Dictionary<string, List<string?>?>? MultiValueHeaders { get; set; }
}

/// <summary>An IAM-policy authorizer response (REST APIs, and HTTP APIs without simple responses).</summary>
internal sealed class AuthorizerResponse
{
    public required string PrincipalId { get; set; }
    public required PolicyDocument PolicyDocument { get; set; }
    public Dictionary<string, string>? Context { get; set; }
}

internal sealed class PolicyDocument
{
    [JsonPropertyName("Version")]
    public string Version { get; set; } = "2012-10-17";

    [JsonPropertyName("Statement")]
    public List<PolicyStatement> Statement { get; set; } = [];
}

internal sealed class PolicyStatement
{
    [JsonPropertyName("Action")]
    public string Action { get; set; } = "execute-api:Invoke";

    [JsonPropertyName("Effect")]
    public required string Effect { get; set; }

    [JsonPropertyName("Resource")]
    public required List<string> Resource { get; set; }
}

/// <summary>Source-generated: no reflection on the invocation path (the Native AOT build keeps what it needs).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    PropertyNameCaseInsensitive = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(AuthorizerRequest))]
[JsonSerializable(typeof(AuthorizerResponse))]
internal sealed partial class AuthorizerJsonContext : JsonSerializerContext;
