using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace SocialMedia.Schema.Configurations;

internal sealed class RateLimitCounterConfiguration : IEntityTypeConfiguration<RateLimitCounter>
{
    public void Configure(EntityTypeBuilder<RateLimitCounter> counter)
    {
        counter.HasKey(c => c.Key);
        // A prefix, a lowercased email (at most 254) or an address.
        counter.Property(c => c.Key).HasMaxLength(300);
        // The sweep takes windows that have ended.
        counter.HasIndex(c => c.WindowEndsAt);
    }
}
