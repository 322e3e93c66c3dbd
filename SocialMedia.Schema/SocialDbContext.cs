using Microsoft.EntityFrameworkCore;
using SocialMedia.Schema.Configurations;

namespace SocialMedia.Schema;

/// <summary>
/// The database schema as an EF Core model: what the migrations are generated from, and nothing
/// else. The API never opens this context; it reaches PostgreSQL through Npgsql alone and runs the
/// migration script generated from here (docs/decisions/0005-stores-on-npgsql-and-a-migration-script.md).
/// </summary>
public sealed class SocialDbContext(DbContextOptions<SocialDbContext> options) : DbContext(options)
{
    public DbSet<User> Users => Set<User>();
    public DbSet<Post> Posts => Set<Post>();
    public DbSet<Like> Likes => Set<Like>();
    public DbSet<Comment> Comments => Set<Comment>();
    public DbSet<RevokedToken> RevokedTokens => Set<RevokedToken>();
    public DbSet<RateLimitCounter> RateLimitCounters => Set<RateLimitCounter>();
    public DbSet<ImageDeletion> ImageDeletions => Set<ImageDeletion>();

    protected override void OnModelCreating(ModelBuilder modelBuilder) => modelBuilder
        .ApplyConfiguration(new UserConfiguration())
        .ApplyConfiguration(new PostConfiguration())
        .ApplyConfiguration(new LikeConfiguration())
        .ApplyConfiguration(new CommentConfiguration())
        .ApplyConfiguration(new RevokedTokenConfiguration())
        .ApplyConfiguration(new RateLimitCounterConfiguration())
        .ApplyConfiguration(new ImageDeletionConfiguration());
}
