using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using Npgsql;
using SocialMedia.Api.Database;

namespace SocialMedia.Api.Features.Auth;

/// <summary>
/// The authenticated caller: the account, and the token it came with. The bearer handler has
/// checked the token's signature and lifetime only; every statement a caller's request sends
/// checks the token's revocation itself (docs/decisions/0002-revocation-checked-in-the-database.md).
/// </summary>
public readonly record struct Caller(Guid UserId, string TokenId);

public static class CurrentUser
{
    /// <summary>The caller, or null for an anonymous request.</summary>
    public static Caller? FindCaller(this ClaimsPrincipal principal) =>
        TokenService.TryReadClaims(principal.Identity as ClaimsIdentity, out var userId, out var tokenId) ? new Caller(userId, tokenId) : null;

    /// <summary>The caller on an endpoint that requires authorization.</summary>
    public static Caller GetCaller(this ClaimsPrincipal principal) =>
        principal.FindCaller() ?? throw new InvalidOperationException("The endpoint requires an authenticated user.");

    public static DateTime? FindTokenExpiry(this ClaimsPrincipal principal) =>
        long.TryParse(principal.FindFirstValue(JwtRegisteredClaimNames.Exp), out var exp)
            ? DateTimeOffset.FromUnixTimeSeconds(exp).UtcDateTime
            : null;
}

internal static class CallerParameters
{
    /// <summary><c>$1</c> the caller's token id (for <see cref="AuthStore.CallerToken"/>) and <c>$2</c> the caller.</summary>
    public static void AddCaller(this NpgsqlParameterCollection parameters, Caller caller)
    {
        parameters.AddText(caller.TokenId);
        parameters.AddUuid(caller.UserId);
    }
}
