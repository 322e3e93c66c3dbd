using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace SocialMedia.Schema.Configurations;

internal sealed class UserConfiguration : IEntityTypeConfiguration<User>
{
    // Case-insensitive uniqueness of email and username lives in expression indexes on lower(...)
    // that the initial migration creates with SQL: EF cannot model expression indexes.
    public void Configure(EntityTypeBuilder<User> user)
    {
        user.Property(u => u.Id).ValueGeneratedNever();
        user.Property(u => u.Email).HasMaxLength(255);
        user.Property(u => u.Username).HasMaxLength(50);
        user.Property(u => u.PasswordDigest).HasMaxLength(255);
        user.Property(u => u.Bio).HasMaxLength(500);
        user.Property(u => u.AvatarUrl).HasMaxLength(500);
    }
}
