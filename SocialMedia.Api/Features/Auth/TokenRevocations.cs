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
    private static readonly Func<SocialDbContext, string, CancellationToken, Task<bool>> s_isRevoked =
        EF.CompileAsyncQuery((SocialDbContext db, string jti, CancellationToken _) => db.RevokedTokens.Any(t => t.Jti == jti));

    public Task<bool> IsRevokedAsync(string jti, CancellationToken cancellationToken) => s_isRevoked(db, jti, cancellationToken);

    public async Task RevokeAsync(string jti, DateTime expiresAt, CancellationToken cancellationToken)
    {
        var now = clock.UtcNowMilliseconds();
        // One round trip: record this token, and sweep the ones that have expired since.
        await db.Database.ExecuteSqlInterpolatedAsync(
            $"""
            INSERT INTO revoked_tokens (jti, expires_at) VALUES ({jti}, {expiresAt}) ON CONFLICT (jti) DO NOTHING;
            DELETE FROM revoked_tokens WHERE expires_at < {now};
            """,
            cancellationToken);
    }
}
