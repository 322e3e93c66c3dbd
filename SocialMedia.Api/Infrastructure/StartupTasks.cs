using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;
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

    /// <summary>The idempotent migration script the Native AOT package carries (deploy/publish-aot.sh).</summary>
    public const string MigrationScript = "migrations.sql";

    /// <summary><c>dotnet SocialMedia.Api.dll migrate</c>: the deploy pipeline's step, run once per release.</summary>
    public static async Task<int> MigrateAsync(this WebApplication app)
    {
        try
        {
            return await ApplyMigrationsAsync(app);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // EF Core logs failed statements at Debug (DatabaseServiceCollectionExtensions): the
            // one failure no request answers is said here, after the list of migrations.
            app.Logger.LogCritical(e, "Database migration failed");
            throw;
        }
    }

    private static async Task<int> ApplyMigrationsAsync(WebApplication app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SocialDbContext>();
        if (RuntimeFeature.IsDynamicCodeSupported)
        {
            await MigrateWithEfCoreAsync(db, app.Logger);
        }
        else
        {
            // Native AOT: EF Core finds migrations by reflection, which the AOT build does not
            // keep, so Migrate() would record nothing and report success. The package carries
            // `dotnet ef migrations script --idempotent` instead: each migration runs once, in
            // its own transaction, recorded in __EFMigrationsHistory as Migrate() records it.
            var script = Path.Combine(AppContext.BaseDirectory, MigrationScript);
            if (!File.Exists(script))
            {
                await Console.Error.WriteLineAsync($"migrate: {script} is missing; the Native AOT package must be built by deploy/publish-aot.sh.");
                return 1;
            }

            var connection = (NpgsqlConnection)db.Database.GetDbConnection();
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand(await File.ReadAllTextAsync(script), connection) { CommandTimeout = 0 };
            await command.ExecuteNonQueryAsync();
        }

        app.Logger.LogInformation("Database migrated");
        return 0;
    }

    // A method of its own: the Native AOT compiler accepts EF Core's migrations only in code that
    // the IsDynamicCodeSupported check dominates, and an await inside that branch would resume
    // past the check in the async state machine.
    [RequiresDynamicCode("EF Core finds and runs migrations with code compiled at run time; the Native AOT package runs migrations.sql.")]
    private static async Task MigrateWithEfCoreAsync(SocialDbContext db, ILogger logger)
    {
        var pending = (await db.Database.GetPendingMigrationsAsync()).ToList();
        logger.LogInformation("Applying {Count} migration(s): {Migrations}", pending.Count, string.Join(", ", pending));
        await db.Database.MigrateAsync();
    }

    /// <summary>Development (or an explicit setting): migrate, and make sure the bucket exists.</summary>
    public static async Task PrepareAsync(this WebApplication app)
    {
        var development = app.Environment.IsDevelopment();
        // Side by side: the database and S3 do not depend on each other, and each spends most of
        // its time loading and compiling its client library, so two cores finish both sooner.
        var migrate = app.Services.GetRequiredService<IOptions<DatabaseOptions>>().Value.MigrateOnStartup ?? development
            ? Task.Run(app.MigrateAsync)
            : Task.CompletedTask;
        var bucket = app.Services.GetRequiredService<IOptions<StorageOptions>>().Value.CreateBucketOnStartup ?? development
            ? Task.Run(() => app.Services.GetRequiredService<ImageStorage>().EnsureBucketAsync(CancellationToken.None))
            : Task.CompletedTask;
        await Task.WhenAll(migrate, bucket);
    }
}
