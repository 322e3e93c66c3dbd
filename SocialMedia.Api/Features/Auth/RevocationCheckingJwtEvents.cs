using Microsoft.AspNetCore.Authentication.JwtBearer;

namespace SocialMedia.Api.Features.Auth;

/// <summary>A signature-valid token is still refused once its owner has logged it out.</summary>
internal sealed class RevocationCheckingJwtEvents(TokenRevocations revocations) : JwtBearerEvents
{
    public override async Task TokenValidated(TokenValidatedContext context)
    {
        if (!TokenService.TryReadClaims(context.Principal?.Identity as System.Security.Claims.ClaimsIdentity, out _, out var jti))
        {
            context.Fail("The token lacks a subject or an id.");
            return;
        }

        if (RevocationCheckWithQuery.AppliesTo(context.HttpContext))
        {
            // A read whose endpoint sends the lookup with its own query (one round trip, not two).
            context.HttpContext.Features.Set(new DeferredRevocationCheck(jti));
            return;
        }

        if (await revocations.IsRevokedAsync(jti, context.HttpContext.RequestAborted))
        {
            context.Fail("The token has been revoked.");
        }
    }
}
