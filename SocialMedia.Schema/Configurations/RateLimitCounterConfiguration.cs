using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace SocialMedia.Schema.Configurations;

internal sealed class RateLimitCounterConfiguration : IEntityTypeConfiguration<RateLimitCounter>
{
    public void Configure(EntityTypeBuilder<RateLimitCounter> counter)
    {
        counter.HasKey(c => c.Key);
        // A prefix and a client address or an email's hash.
        counter.Property(c => c.Key).HasMaxLength(300);
        // The sweep takes windows that have ended.
        counter.HasIndex(c => c.WindowEndsAt);
    }
}
