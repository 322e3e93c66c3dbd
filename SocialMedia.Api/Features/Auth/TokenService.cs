using System.Security.Claims;
using System.Text;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using SocialMedia.Api.Common;

namespace SocialMedia.Api.Features.Auth;

public sealed record IssuedToken(string Token, string Jti, DateTime ExpiresAt);

/// <summary>Validation outcome shared by the bearer handler's callers and the Lambda authorizer.</summary>
public sealed record TokenCheck(bool IsValid, Guid UserId, string? Jti, DateTime ExpiresAt)
{
    public static readonly TokenCheck Invalid = new(false, Guid.Empty, null, default);
}

/// <summary>
/// Issues and validates the API's tokens: HS256 only, with sub, jti, iat, exp, iss and aud.
/// The API's bearer handler and the Lambda authorizer both validate with <see cref="ValidationParameters"/>.
/// </summary>
public sealed class TokenService
{
    private readonly JsonWebTokenHandler _handler = new() { SetDefaultTimesOnTokenCreation = false };
    private readonly JwtOptions _options;
    private readonly SymmetricSecurityKey _key;
    private readonly TimeProvider _clock;

    public TokenService(IOptions<JwtOptions> options, TimeProvider clock)
    {
        _options = options.Value;
        _clock = clock;
        _key = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(_options.Secret));
        ValidationParameters = new TokenValidationParameters
        {
            ValidIssuer = _options.Issuer,
            ValidAudience = _options.Audience,
            IssuerSigningKey = _key,
            // Pinning the algorithm is what rejects "alg": "none" and algorithm-confusion tokens.
            ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
            ValidateIssuer = true,
            ValidateAudience = true,
            ValidateLifetime = true,
            ValidateIssuerSigningKey = true,
            RequireExpirationTime = true,
            RequireSignedTokens = true,
            ClockSkew = TimeSpan.FromSeconds(30),
            NameClaimType = JwtRegisteredClaimNames.Sub,
        };
    }

    public TokenValidationParameters ValidationParameters { get; }

    public IssuedToken Issue(Guid userId)
    {
        var now = _clock.GetUtcNow().UtcDateTime.TruncateTo(TimeSpan.TicksPerSecond);
        var expires = now.AddHours(_options.LifetimeHours);
        var jti = Guid.CreateVersion7().ToString("N");
        var token = _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = _options.Issuer,
            Audience = _options.Audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = expires,
            Subject = new ClaimsIdentity(
            [
                new Claim(JwtRegisteredClaimNames.Sub, userId.ToString()),
                new Claim(JwtRegisteredClaimNames.Jti, jti),
            ]),
            SigningCredentials = new SigningCredentials(_key, SecurityAlgorithms.HmacSha256),
        });
        return new IssuedToken(token, jti, expires);
    }

    /// <summary>Signature, algorithm, issuer, audience and lifetime; revocation is checked separately.</summary>
    public async Task<TokenCheck> ValidateAsync(string token)
    {
        var result = await _handler.ValidateTokenAsync(token, ValidationParameters);
        return result.IsValid && TryReadClaims(result.ClaimsIdentity, out var userId, out var jti)
            ? new TokenCheck(true, userId, jti, result.SecurityToken.ValidTo)
            : TokenCheck.Invalid;
    }

    public static bool TryReadClaims(ClaimsIdentity? identity, out Guid userId, out string jti)
    {
        jti = identity?.FindFirst(JwtRegisteredClaimNames.Jti)?.Value ?? "";
        return Guid.TryParse(identity?.FindFirst(JwtRegisteredClaimNames.Sub)?.Value, out userId) && jti.Length is > 0 and <= 64;
    }
}
