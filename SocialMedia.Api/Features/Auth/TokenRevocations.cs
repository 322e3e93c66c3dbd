using Microsoft.EntityFrameworkCore;
using SocialMedia.Api.Common;
using SocialMedia.Api.Data;

namespace SocialMedia.Api.Features.Auth;

/// <summary>
/// Logged-out tokens. Checked in the database on every authenticated request, so a logout is
/// effective at once on every instance (every Lambda container included); rows live only until
/// the token would have expired anyway.
/// </summary>
public sealed class TokenRevocations(SocialDbContext db, TimeProvider clock)
{
    // A field, not the constructor parameter: the root of a precompiled query (see SocialDbContext).
    private readonly SocialDbContext _context = db;

    public Task<bool> IsRevokedAsync(string jti, CancellationToken cancellationToken)
    {
        var (token, ct) = (jti, cancellationToken); // locals, not parameters, in a query: see SocialDbContext
        return _context.RevokedTokens.AnyAsync(t => t.Jti == token, ct);
    }

    public async Task RevokeAsync(string jti, DateTime expiresAt, CancellationToken cancellationToken)
    {
        var now = clock.UtcNowMilliseconds();
        // One round trip: record this token, and sweep the ones that have expired since.
        await _context.Database.ExecuteSqlInterpolatedAsync(
            $"""
            INSERT INTO revoked_tokens (jti, expires_at) VALUES ({jti}, {expiresAt}) ON CONFLICT (jti) DO NOTHING;
            DELETE FROM revoked_tokens WHERE expires_at < {now};
            """,
            cancellationToken);
    }
}
