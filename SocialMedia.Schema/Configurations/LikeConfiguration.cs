using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace SocialMedia.Schema.Configurations;

internal sealed class LikeConfiguration : IEntityTypeConfiguration<Like>
{
    public void Configure(EntityTypeBuilder<Like> like)
    {
        like.Property(l => l.Id).ValueGeneratedNever();
        like.HasOne(l => l.User).WithMany().HasForeignKey(l => l.UserId).OnDelete(DeleteBehavior.Cascade);
        // The uniqueness that makes liking idempotent under concurrency (ON CONFLICT targets it).
        like.HasIndex(nameof(Like.UserId), nameof(Like.PostId)).IsUnique();
        like.HasIndex(nameof(Like.PostId), nameof(Like.CreatedAt), nameof(Like.Id)).IsDescending(false, true, true);
    }
}
