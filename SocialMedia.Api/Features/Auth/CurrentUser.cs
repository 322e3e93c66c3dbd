using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;

namespace SocialMedia.Api.Features.Auth;

public static class CurrentUser
{
    /// <summary>The caller's id, or null for an anonymous request.</summary>
    public static Guid? FindUserId(this ClaimsPrincipal principal) =>
        Guid.TryParse(principal.FindFirstValue(JwtRegisteredClaimNames.Sub), out var id) ? id : null;

    /// <summary>The caller's id on an endpoint that requires authorization.</summary>
    public static Guid GetUserId(this ClaimsPrincipal principal) =>
        principal.FindUserId() ?? throw new InvalidOperationException("The endpoint requires an authenticated user.");

    public static string? FindTokenId(this ClaimsPrincipal principal) => principal.FindFirstValue(JwtRegisteredClaimNames.Jti);

    public static DateTime? FindTokenExpiry(this ClaimsPrincipal principal) =>
        long.TryParse(principal.FindFirstValue(JwtRegisteredClaimNames.Exp), out var exp)
            ? DateTimeOffset.FromUnixTimeSeconds(exp).UtcDateTime
            : null;
}
