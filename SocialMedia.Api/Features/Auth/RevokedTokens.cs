using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using SocialMedia.Api.Common;

namespace SocialMedia.Api.Features.Auth;

/// <summary>
/// How a revoked token is answered wherever it is found: 401 with the bearer challenge, as the
/// bearer handler answers any other invalid token. Stores find it inside the statement a request
/// sends anyway; an answer given before any statement looks the token up then.
/// </summary>
internal static class RevokedToken
{
    public const string Challenge = "Bearer error=\"invalid_token\"";
    public const string Detail = "The token has been revoked.";

    public static ProblemHttpResult Refuse(HttpContext http)
    {
        http.Response.Headers.WWWAuthenticate = Challenge;
        return Problems.Unauthorized(Detail);
    }

    /// <summary>
    /// <paramref name="answer"/>, given without sending a statement (a 422, say), unless the
    /// caller's token is revoked: then the 401 the request would have had from a statement.
    /// </summary>
    public static async Task<ProblemHttpResult> UnlessRevokedAsync(this AuthStore auth, HttpContext http, ProblemHttpResult answer) =>
        http.User.FindCaller() is { } caller && await auth.IsRevokedAsync(caller.TokenId, http.RequestAborted)
            ? Refuse(http)
            : answer;
}

/// <summary>
/// A request the framework rejects before its handler runs (a body that is not JSON, too large, the
/// wrong content type) on an endpoint that takes a bearer token: a revoked token still gets its 401,
/// as it did when the bearer handler looked every token up. Registered before the handler that
/// answers those rejections (<see cref="ProblemExceptionHandler"/>).
/// </summary>
internal sealed class RevokedTokenRejections(AuthStore auth, IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException
            // The exception handler clears the request's endpoint; the feature keeps the one that threw.
            || httpContext.Features.Get<IExceptionHandlerFeature>()?.Endpoint?.Metadata.GetMetadata<IAuthorizeData>() is null
            || httpContext.User.FindCaller() is not { } caller
            || !await auth.IsRevokedAsync(caller.TokenId, cancellationToken))
        {
            return false;
        }

        httpContext.Response.StatusCode = StatusCodes.Status401Unauthorized;
        httpContext.Response.Headers.WWWAuthenticate = RevokedToken.Challenge;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails = new ProblemDetails { Status = StatusCodes.Status401Unauthorized, Detail = RevokedToken.Detail },
        });
    }
}
