using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace SocialMedia.Schema.Configurations;

internal sealed class RevokedTokenConfiguration : IEntityTypeConfiguration<RevokedToken>
{
    public void Configure(EntityTypeBuilder<RevokedToken> token)
    {
        token.HasKey(t => t.Jti);
        token.Property(t => t.Jti).HasMaxLength(64);
        // The purge deletes by expiry.
        token.HasIndex(t => t.ExpiresAt);
    }
}
