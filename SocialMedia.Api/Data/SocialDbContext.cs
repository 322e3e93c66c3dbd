using System.Diagnostics.CodeAnalysis;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using SocialMedia.Api.Data.Configurations;

namespace SocialMedia.Api.Data;

/// <summary>
/// The database. Every LINQ query on it is written as one chain from a DbSet to the operator
/// that runs it, rooted at a local, field or property holding the context (not at a method
/// parameter: EF Core's query precompiler does not follow those, dotnet/efcore#38030). That is
/// what lets the Native AOT build (docs/lambda.md) run them as precompiled queries.
/// </summary>
public sealed class SocialDbContext : DbContext
{
    // EF Core marks its constructor as needing unreferenced code and dynamic code because some
    // of its features do. The Native AOT build avoids them: a compiled model, precompiled queries
    // and no runtime migrations (StartupTasks.MigrateAsync runs the bundled script instead).
    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "Compiled model and precompiled queries in the AOT build.")]
    [UnconditionalSuppressMessage("AOT", "IL3050", Justification = "Compiled model and precompiled queries in the AOT build.")]
    public SocialDbContext(DbContextOptions<SocialDbContext> options)
        : base(options)
    {
    }

    private IExecutionStrategy? _executionStrategy;

    /// <summary>
    /// The execution strategy of this context, made once and reused by every hand-written statement
    /// (<see cref="HandWrittenSql"/>). A strategy keeps nothing between operations (each starts by
    /// clearing its record of failures), but making one seeds a new <see cref="Random"/>: a
    /// getrandom system call, twice for every write request (bench/ profile).
    /// </summary>
    internal IExecutionStrategy ExecutionStrategy => _executionStrategy ??= Database.CreateExecutionStrategy();

    public DbSet<User> Users => Set<User>();
    public DbSet<Post> Posts => Set<Post>();
    public DbSet<Like> Likes => Set<Like>();
    public DbSet<Comment> Comments => Set<Comment>();
    public DbSet<RevokedToken> RevokedTokens => Set<RevokedToken>();

    // Listed rather than found by reflection over the assembly, which trimming cannot follow.
    protected override void OnModelCreating(ModelBuilder modelBuilder) => modelBuilder
        .ApplyConfiguration(new UserConfiguration())
        .ApplyConfiguration(new PostConfiguration())
        .ApplyConfiguration(new LikeConfiguration())
        .ApplyConfiguration(new CommentConfiguration())
        .ApplyConfiguration(new RevokedTokenConfiguration());
}
