using Microsoft.Extensions.Caching.Memory;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace SocialMedia.Api.Features.Auth;

/// <summary>
/// The bearer handler's token handler: <see cref="JsonWebTokenHandler"/>, with what it validated
/// kept until the validator itself would refuse the token (its expiry plus the clock skew). A
/// client sends the same token on every request for hours; checking its signature, parsing its
/// JSON and building its claims again each time was the largest part of the API's own CPU per
/// request after HTTP and the database (bench/README.md).
/// </summary>
/// <remarks>
/// The key is the whole token as sent, so a token differing in any character (another signature,
/// a changed claim) is validated from scratch. Only valid tokens are kept, and only as many as
/// <see cref="MaxEntries"/>: a stream of new tokens costs what it did without the cache. Revocation
/// is not the handler's concern and is never cached: each store statement looks it up.
/// </remarks>
internal sealed class CachingTokenHandler : TokenHandler, IDisposable
{
    /// <summary>About as many signed-in clients as one process serves at once; each entry is a few KiB.</summary>
    public const int MaxEntries = 4096;

    private readonly JsonWebTokenHandler _inner = new() { MapInboundClaims = false };
    private readonly MemoryCache _validated = new(new MemoryCacheOptions { SizeLimit = MaxEntries });

    public override async Task<TokenValidationResult> ValidateTokenAsync(string token, TokenValidationParameters validationParameters)
    {
        if (_validated.TryGetValue(token, out Validated? hit) && hit!.SigningKey == validationParameters.IssuerSigningKey)
        {
            // A fresh identity per request: the principal built on it is the request's to change.
            return new TokenValidationResult
            {
                IsValid = true,
                ClaimsIdentity = hit.Identity.Clone(),
                SecurityToken = hit.Token,
                Issuer = hit.Token.Issuer,
                TokenType = hit.TokenType,
            };
        }

        var result = await _inner.ValidateTokenAsync(token, validationParameters);
        if (result.IsValid && result.SecurityToken.ValidTo > DateTime.MinValue)
        {
            var refusedFrom = new DateTimeOffset(DateTime.SpecifyKind(result.SecurityToken.ValidTo, DateTimeKind.Utc))
                + validationParameters.ClockSkew;
            _validated.Set(token, new Validated(result.ClaimsIdentity.Clone(), result.SecurityToken, result.TokenType, validationParameters.IssuerSigningKey),
                new MemoryCacheEntryOptions { AbsoluteExpiration = refusedFrom, Size = 1 });
        }

        return result;
    }

    public override SecurityToken ReadToken(string token) => _inner.ReadToken(token);

    public void Dispose() => _validated.Dispose();

    /// <summary>
    /// What a later request needs. The key is part of the entry: a token validated with another key
    /// (after a configuration reload) is validated again. The bearer handler copies the parameters
    /// for every request, so the copies cannot be compared; they share the key object.
    /// </summary>
    private sealed record Validated(
        System.Security.Claims.ClaimsIdentity Identity, SecurityToken Token, string? TokenType, SecurityKey SigningKey);
}
