using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace SocialMedia.Api.Data;

/// <summary>For <c>dotnet ef migrations add</c>: the model needs no server and no app start-up.</summary>
internal sealed class DesignTimeDbContextFactory : IDesignTimeDbContextFactory<SocialDbContext>
{
    public SocialDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SocialDbContext>()
            .UseNpgsql("Host=localhost;Database=socialdb_design")
            .UseSnakeCaseNamingConvention()
            .Options);
}
