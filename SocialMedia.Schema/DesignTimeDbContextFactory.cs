using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace SocialMedia.Schema;

/// <summary>
/// For <c>dotnet ef migrations add</c> and <c>migrations script</c>, and for the test that holds the
/// checked-in script to the model: the model needs no server and no app start-up.
/// </summary>
public sealed class DesignTimeDbContextFactory : IDesignTimeDbContextFactory<SocialDbContext>
{
    public SocialDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SocialDbContext>()
            .UseNpgsql("Host=localhost;Database=socialdb_design")
            .UseSnakeCaseNamingConvention()
            .Options);
}
