using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace SocialMedia.Schema.Configurations;

internal sealed class CommentConfiguration : IEntityTypeConfiguration<Comment>
{
    public void Configure(EntityTypeBuilder<Comment> comment)
    {
        comment.Property(c => c.Id).ValueGeneratedNever();
        comment.Property(c => c.Content).HasColumnType("text");
        comment.HasOne(c => c.User).WithMany().HasForeignKey(c => c.UserId).OnDelete(DeleteBehavior.Cascade);
        comment.HasIndex(nameof(Comment.PostId), nameof(Comment.CreatedAt), nameof(Comment.Id));
    }
}
