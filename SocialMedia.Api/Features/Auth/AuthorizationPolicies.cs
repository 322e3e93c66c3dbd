using Microsoft.AspNetCore.Authorization;
using Microsoft.Net.Http.Headers;

namespace SocialMedia.Api.Features.Auth;

internal static class AuthorizationPolicies
{
    /// <summary>
    /// Public endpoints that read better with a caller (liked_by_me): no token is fine, a bad
    /// token is a 401, so a client whose token expired finds out instead of silently going anonymous.
    /// </summary>
    public const string OptionalBearer = "optional-bearer";

    public static AuthorizationBuilder AddApiPolicies(this AuthorizationBuilder authorization) =>
        authorization.AddPolicy(OptionalBearer, policy => policy.RequireAssertion(context =>
            context.User.Identity?.IsAuthenticated == true
            || context.Resource is not HttpContext http
            || !http.Request.Headers.ContainsKey(HeaderNames.Authorization)));
}
