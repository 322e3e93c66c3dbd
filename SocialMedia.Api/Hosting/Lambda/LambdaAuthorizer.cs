using System.Diagnostics;
using System.Text.Json;
using SocialMedia.Api.Features.Auth;

namespace SocialMedia.Api.Hosting.Lambda;

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
    private static readonly ActivitySource s_activity = new(Microsoft.Extensions.Hosting.Extensions.ApplicationActivitySource);

    public async Task<byte[]> HandleAsync(LambdaInvocation invocation, CancellationToken cancellationToken)
    {
        var request = JsonSerializer.Deserialize(invocation.Payload, LambdaJsonContext.Default.AuthorizerRequest)
            ?? throw new JsonException("The event is null.");
        var arn = request.MethodArn ?? request.RouteArn;
        var parent = XRayTraceHeader.TryParse(invocation.TraceId, out var trace) ? trace.ToActivityContext() : default;
        using var activity = s_activity.StartActivity("authorize", ActivityKind.Server, parent);
        activity?.SetTag("faas.trigger", "other");

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
        return JsonSerializer.SerializeToUtf8Bytes(response, LambdaJsonContext.Default.AuthorizerResponse);
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

    private LambdaUnauthorizedException Deny(Activity? activity, string reason)
    {
        activity?.SetTag("authorizer.decision", "unauthorized");
        logger.LogInformation("Unauthorized: {Reason}", reason);
        return new LambdaUnauthorizedException();
    }
}

/// <summary>API Gateway answers 401 when an authorizer fails with exactly this message.</summary>
public sealed class LambdaUnauthorizedException() : Exception("Unauthorized");
