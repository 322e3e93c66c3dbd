using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace SocialMedia.Schema.Configurations;

internal sealed class ImageDeletionConfiguration : IEntityTypeConfiguration<ImageDeletion>
{
    public void Configure(EntityTypeBuilder<ImageDeletion> deletion)
    {
        deletion.HasKey(d => d.Key);
        deletion.Property(d => d.Key).HasMaxLength(255);
        // The sweeper takes the deletions that are due.
        deletion.HasIndex(d => d.DueAt);
    }
}
