using Microsoft.Extensions.Options;
using SocialMedia.Api.Database;
using SocialMedia.Api.Features.Auth;
using SocialMedia.Api.Features.Images;

namespace SocialMedia.Api.Infrastructure;

internal static class StartupTasks
{
    /// <summary>
    /// Checks configuration before anything listens. A mistake is reported as one line per
    /// problem on stderr (no stack trace to dig through) and the process exits with 1.
    /// </summary>
    public static bool TryValidateConfiguration(this WebApplication app, bool onlyDatabase = false)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(app.Configuration.GetConnectionString(DatabaseSetup.ConnectionName)))
        {
            failures.Add($"ConnectionStrings:{DatabaseSetup.ConnectionName} must be set (environment variable ConnectionStrings__{DatabaseSetup.ConnectionName}).");
        }

        try
        {
            if (!onlyDatabase)
            {
                app.Services.GetRequiredService<IStartupValidator>().Validate();
            }
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

    /// <summary>Whether this process is the Lambda function of the handler <paramref name="name"/> (<c>_HANDLER</c>).</summary>
    public static bool IsLambdaHandler(this WebApplication app, string name) => app.Configuration.IsLambdaHandler(name);

    public static bool IsLambdaHandler(this IConfiguration configuration, string name) =>
        string.Equals(configuration["_HANDLER"]?.Trim(), name, StringComparison.OrdinalIgnoreCase);

    /// <summary>Whether this process serves the HTTP API: on Kestrel, or as a function group, not as the authorizer or migrate.</summary>
    public static bool ServesHttp(this IConfiguration configuration) =>
        !configuration.IsLambdaHandler(LambdaAuthorizer.HandlerName) && !configuration.IsLambdaHandler(MigrationHandler.HandlerName);

    /// <summary>
    /// Development (or an explicit setting): make sure the bucket exists. The database is never
    /// migrated here, in any environment: <c>migrate</c> is a step of its own, run before the API
    /// starts (the deploy pipeline, the AppHost, the tests).
    /// </summary>
    public static async Task PrepareAsync(this WebApplication app)
    {
        if (app.Services.GetRequiredService<IOptions<StorageOptions>>().Value.CreateBucketOnStartup ?? app.Environment.IsDevelopment())
        {
            // Browsers PUT straight to the bucket, so it needs CORS for the origins the API allows;
            // any origin only in Development, where the web app's port may change.
            var origins = app.Services.GetRequiredService<IOptions<CorsOriginsOptions>>().Value.AllowedOrigins
                .Where(o => !string.IsNullOrWhiteSpace(o)).ToList();
            if (origins.Count == 0 && app.Environment.IsDevelopment())
            {
                origins.Add("*");
            }

            await app.Services.GetRequiredService<ImageStorage>().EnsureBucketAsync(origins, CancellationToken.None);
        }
    }
}
