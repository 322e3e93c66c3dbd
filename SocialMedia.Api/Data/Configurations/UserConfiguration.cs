using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace SocialMedia.Api.Data.Configurations;

internal sealed class UserConfiguration : IEntityTypeConfiguration<User>
{
    // Case-insensitive uniqueness lives in expression indexes on lower(...) that the initial
    // migration creates with SQL (EF cannot model expression indexes); their names are what
    // the registration handler recognises in a unique violation.
    public const string EmailUniqueIndex = "ux_users_email_lower";
    public const string UsernameUniqueIndex = "ux_users_username_lower";

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
