using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using SocialMedia.AppHost.LocalInfra;
using SocialMedia.AppHost.Postgres;
using SocialMedia.AppHost.Storage;

namespace SocialMedia.AppHost.Api;

public static class ApiBuilderExtensions
{
    public const string ResourceName = "api";
    public const string MigrationsResourceName = "migrations";
    public const string EndpointName = "http";
    public const string SeedCommand = "seed-demo-data";
    public const string ResetCommand = "reset-database";

    /// <summary>
    /// The API's <c>migrate</c> command as a step of its own: the API project started with the
    /// argument <c>migrate</c>, which brings the database's schema up to date and exits. It runs
    /// once the database is healthy, and whatever needs the schema waits for it to complete
    /// successfully (<c>WaitForCompletion</c>), as deploy pipelines run it before a release.
    /// It gets the connection string and nothing else: that is all <c>migrate</c> reads.
    /// </summary>
    public static IResourceBuilder<ProjectResource> AddSocialMediaMigrations(this IDistributedApplicationBuilder builder, LocalInfrastructure infrastructure) =>
        builder.AddProject<Projects.SocialMedia_Api>(MigrationsResourceName, launchProfileName: null)
            .WithArgs("migrate")
            .WithReference(infrastructure.Database).WaitFor(infrastructure.Database)
            .WithEnvironment("ASPNETCORE_ENVIRONMENT", "Development")
            .WithoutTelemetryRetries()
            .WithIconName("DatabaseArrowUp");

    /// <summary>
    /// SocialMedia.Api in Development on a fixed port, wired to the database and the S3 emulator,
    /// started once both are healthy and the migrations have completed.
    /// </summary>
    public static IResourceBuilder<ProjectResource> AddSocialMediaApi(
        this IDistributedApplicationBuilder builder, LocalInfrastructure infrastructure, IResourceBuilder<ProjectResource> migrations, LocalInfraOptions options)
    {
        var api = builder.AddProject<Projects.SocialMedia_Api>(ResourceName, launchProfileName: "http")
            .WithEndpoint(EndpointName, endpoint => endpoint.Port = options.ApiPort)
            .WithSocialMediaSettings(builder, infrastructure)
            .WaitForCompletion(migrations)
            .WithHttpHealthCheck("/health", endpointName: EndpointName)
            .WithUrlForEndpoint(EndpointName, url => url.DisplayText = "API");
        return api
            .WithUrl(ReferenceExpression.Create($"{api.GetEndpoint(EndpointName)}/scalar"), "API reference (Scalar)")
            .WithDemoDataCommands(infrastructure);
    }

    /// <summary>
    /// What the API needs wherever it runs (on Kestrel, or as a Lambda function): the database, the
    /// S3 emulator and its credentials, the signing key, Development, and the settings given to the
    /// AppHost under <c>Api:</c> (<see cref="WithApiSettings"/>). Starts once the database and S3 are up.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithSocialMediaSettings(
        this IResourceBuilder<ProjectResource> project, IDistributedApplicationBuilder builder, LocalInfrastructure infrastructure)
    {
        var s3 = infrastructure.Storage;
        return project
            .WithReference(infrastructure.Database).WaitFor(infrastructure.Database)
            .WithEnvironment("ASPNETCORE_ENVIRONMENT", "Development")
            .WithEnvironment("Jwt__Secret", JwtSecret(builder))
            .WithEnvironment("Storage__BucketName", S3Emulator.ImagesBucket)
            .WithEnvironment("AWS_ENDPOINT_URL_S3", s3.Endpoint)
            // The API and the browser both reach the emulator on localhost, so one URL serves both.
            .WithEnvironment("Storage__PublicServiceUrl", s3.Endpoint)
            .WithEnvironment("AWS_ACCESS_KEY_ID", s3.AccessKeyId)
            .WithEnvironment("AWS_SECRET_ACCESS_KEY", s3.SecretAccessKey)
            .WithEnvironment("AWS_REGION", "us-east-1")
            .WaitFor(s3.Resource)
            .WithoutTelemetryRetries()
            .WithApiSettings(builder.Configuration);
    }

    /// <summary>
    /// Settings given to the AppHost under <c>Api:</c> reach the API as its own keys, in either mode:
    /// <c>--Api:RateLimits:RegistrationsPerHour=0</c> becomes <c>RateLimits__RegistrationsPerHour=0</c>.
    /// For local load tests and demos; they override what the AppHost sets.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithApiSettings(this IResourceBuilder<ProjectResource> project, IConfiguration configuration)
    {
        var section = configuration.GetSection(ApiSettingsSection);
        return project.WithEnvironment(context =>
        {
            foreach (var (key, value) in section.AsEnumerable(makePathsRelative: true))
            {
                if (value is not null)
                {
                    context.EnvironmentVariables[key.Replace(":", "__", StringComparison.Ordinal)] = value;
                }
            }
        });
    }

    public const string ApiSettingsSection = "Api";

    /// <summary>Generated on the first run and kept in the AppHost's user secrets, so tokens survive restarts.</summary>
    private static IResourceBuilder<ParameterResource> JwtSecret(IDistributedApplicationBuilder builder) =>
        builder.Resources.OfType<ParameterResource>().FirstOrDefault(p => p.Name == JwtSecretParameter) is { } existing
            ? builder.CreateResourceBuilder(existing)
            : builder.AddParameter(JwtSecretParameter, new GenerateParameterDefault { MinLength = 64, Special = false }, secret: true, persist: true);

    private const string JwtSecretParameter = "jwt-secret";

    /// <summary>
    /// Aspire tells every .NET project to retry failed telemetry exports
    /// (<c>OTEL_DOTNET_EXPERIMENTAL_OTLP_RETRY=in_memory</c>). Here the only receiver is the dashboard
    /// on this machine, and an export fails when the dashboard has gone, which on Ctrl-C it does
    /// first: the final flush then retried until the exporter's timeout (OTEL_EXPORTER_OTLP_TIMEOUT,
    /// ten seconds by default), holding the process, and so the whole stack's stop. Without retries
    /// that flush fails at once.
    /// </summary>
    internal static IResourceBuilder<ProjectResource> WithoutTelemetryRetries(this IResourceBuilder<ProjectResource> project) =>
        project.WithEnvironment(context => context.EnvironmentVariables.Remove("OTEL_DOTNET_EXPERIMENTAL_OTLP_RETRY"));

    /// <summary>Dashboard commands on the API: "Seed demo data" and "Reset database".</summary>
    public static IResourceBuilder<ProjectResource> WithDemoDataCommands(this IResourceBuilder<ProjectResource> api, LocalInfrastructure infrastructure)
    {
        var endpoint = api.GetEndpoint(EndpointName);
        api.WithCommand(SeedCommand, "Seed demo data", async context =>
        {
            using var http = new HttpClient { BaseAddress = new Uri(endpoint.Url), Timeout = TimeSpan.FromMinutes(2) };
            try
            {
                var summary = await new DemoDataSeeder(http).SeedAsync(context.CancellationToken);
                return CommandResults.Success(summary.ToString());
            }
            catch (Exception e) when (e is InvalidOperationException or HttpRequestException)
            {
                return CommandResults.Failure(e.Message);
            }
        }, new CommandOptions
        {
            Description = "Registers demo users (alice, bob, carol, dave) and adds posts, images, likes and comments through the API.",
            IconName = "PeopleAdd",
            IsHighlighted = true,
            UpdateState = context => context.ResourceSnapshot.HealthStatus is HealthStatus.Healthy ? ResourceCommandState.Enabled : ResourceCommandState.Disabled,
        });

        api.WithCommand(ResetCommand, "Reset database", async context =>
        {
            // Emptying the tables in place, rather than dropping the database and running the
            // migrations and the API again: no process restart to wait for (the orchestrator's stop
            // of a busy API proved unreliable on small machines), and the schema is already the
            // current one, since the migrations step brought it up to date before the API started.
            bool existed;
            try
            {
                existed = await PostgresAdmin.EmptyAllTablesAsync(infrastructure.PostgresServer.Resource, ResourceNames.Database, context.CancellationToken);
            }
            catch (Exception e) when (e is Npgsql.NpgsqlException or InvalidOperationException)
            {
                return CommandResults.Failure($"Could not empty {ResourceNames.Database}: {e.Message}");
            }

            return CommandResults.Success(existed
                ? $"Every table of {ResourceNames.Database} is empty; the schema and its migrations are kept."
                : $"{ResourceNames.Database} does not exist yet (it is created once PostgreSQL is up, and the migrations step gives it its tables): nothing to empty.");
        }, new CommandOptions
        {
            Description = "Deletes every user, post, like and comment (the tables are emptied; the schema stays).",
            ConfirmationMessage = $"Delete all data in {ResourceNames.Database}?",
            IconName = "DatabaseWarning",
        });
        return api;
    }
}
