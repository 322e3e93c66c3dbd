using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace SocialMedia.Schema.Configurations;

internal sealed class PostConfiguration : IEntityTypeConfiguration<Post>
{
    public void Configure(EntityTypeBuilder<Post> post)
    {
        post.Property(p => p.Id).ValueGeneratedNever();
        // text, not varchar(280): the 280 limit counts text elements, and one emoji can be
        // several code points, which varchar(280) would count (and reject) one by one.
        post.Property(p => p.Content).HasColumnType("text");
        post.Property(p => p.ImageKey).HasMaxLength(500);
        post.Property(p => p.LikesCount).HasDefaultValue(0);
        post.Property(p => p.CommentsCount).HasDefaultValue(0);

        post.HasOne(p => p.User).WithMany().HasForeignKey(p => p.UserId).OnDelete(DeleteBehavior.Cascade);
        post.HasMany(p => p.Likes).WithOne().HasForeignKey(l => l.PostId).OnDelete(DeleteBehavior.Cascade);
        post.HasMany<Comment>().WithOne().HasForeignKey(c => c.PostId).OnDelete(DeleteBehavior.Cascade);

        // The timeline and an author's page are keyset scans in exactly this order.
        post.HasIndex(nameof(Post.CreatedAt), nameof(Post.Id)).IsDescending(true, true);
        post.HasIndex(nameof(Post.UserId), nameof(Post.CreatedAt), nameof(Post.Id)).IsDescending(false, true, true);
        // One image belongs to one post: deleting a post deletes its object, so no key may be shared.
        post.HasIndex(p => p.ImageKey).IsUnique().HasFilter("image_key IS NOT NULL");
    }
}
