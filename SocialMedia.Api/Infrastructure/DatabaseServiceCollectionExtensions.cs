using Microsoft.EntityFrameworkCore;
using SocialMedia.Api.Data;

namespace SocialMedia.Api.Infrastructure;

public sealed class DatabaseOptions
{
    public const string SectionName = "Database";

    /// <summary>Apply migrations at start. Default: true in Development only; deploys run <c>migrate</c> instead.</summary>
    public bool? MigrateOnStartup { get; set; }
}

internal static class DatabaseServiceCollectionExtensions
{
    /// <summary>The connection-string name, shared with the AppHost's database resource.</summary>
    public const string ConnectionName = "socialdb";

    public static IHostApplicationBuilder AddDatabase(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<DatabaseOptions>().BindConfiguration(DatabaseOptions.SectionName);
        // Read when the first context is made, not now: configuration added after this call
        // (test hosts, the Lambda host's secrets) still counts.
        builder.Services.AddDbContextPool<SocialDbContext>((services, options) => options
            .UseNpgsql(
                services.GetRequiredService<IConfiguration>().GetConnectionString(ConnectionName),
                npgsql => npgsql.EnableRetryOnFailure(maxRetryCount: 3))
            .UseSnakeCaseNamingConvention());
        builder.Services.AddHealthChecks().AddDbContextCheck<SocialDbContext>("database");
        return builder;
    }
}
