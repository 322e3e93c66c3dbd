using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using SocialMedia.Api.Data;
using SocialMedia.Api.Features.Images;

namespace SocialMedia.Api.Infrastructure;

internal static class StartupTasks
{
    /// <summary>
    /// Checks configuration before anything listens. A mistake is reported as one line per
    /// problem on stderr (no stack trace to dig through) and the process exits with 1.
    /// </summary>
    public static bool TryValidateConfiguration(this WebApplication app)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(app.Configuration.GetConnectionString(DatabaseServiceCollectionExtensions.ConnectionName)))
        {
            failures.Add($"ConnectionStrings:{DatabaseServiceCollectionExtensions.ConnectionName} must be set (environment variable ConnectionStrings__{DatabaseServiceCollectionExtensions.ConnectionName}).");
        }

        try
        {
            app.Services.GetRequiredService<IStartupValidator>().Validate();
        }
        catch (OptionsValidationException e)
        {
            failures.AddRange(e.Failures);
        }
        catch (AggregateException e)
        {
            failures.AddRange(e.InnerExceptions.OfType<OptionsValidationException>().SelectMany(v => v.Failures));
        }

        foreach (var failure in failures)
        {
            Console.Error.WriteLine($"Configuration error: {failure}");
        }

        return failures.Count == 0;
    }

    /// <summary><c>dotnet SocialMedia.Api.dll migrate</c>: the deploy pipeline's step, run once per release.</summary>
    public static async Task<int> MigrateAsync(this WebApplication app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SocialDbContext>();
        await db.Database.MigrateAsync();
        app.Logger.LogInformation("Database migrated");
        return 0;
    }

    /// <summary>Development (or an explicit setting): migrate, and make sure the bucket exists.</summary>
    public static async Task PrepareAsync(this WebApplication app)
    {
        var development = app.Environment.IsDevelopment();
        if (app.Services.GetRequiredService<IOptions<DatabaseOptions>>().Value.MigrateOnStartup ?? development)
        {
            await app.MigrateAsync();
        }

        if (app.Services.GetRequiredService<IOptions<StorageOptions>>().Value.CreateBucketOnStartup ?? development)
        {
            await app.Services.GetRequiredService<ImageStorage>().EnsureBucketAsync(CancellationToken.None);
        }
    }
}
