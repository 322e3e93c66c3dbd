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
    /// <summary>
    /// Checked before every write (reads send it with their first query instead): one prepared
    /// statement on the primary key, in SQL because it runs on nearly every request and needs no
    /// LINQ translation, no query cache lookup and no precompiled query.
    /// </summary>
    public async Task<bool> IsRevokedAsync(string jti, CancellationToken cancellationToken)
    {
        var rows = await db.QueryAsync(
            DeferredRevocationCheck.Lookup, [HandWrittenSql.Text(jti)], r => r.GetBoolean(0), cancellationToken);
        return rows[0];
    }

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
