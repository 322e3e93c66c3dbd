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
    /// SocialMedia.Api in Development on a fixed port, wired to the database and the S3 emulator,
    /// started once both are healthy and the database is migrated.
    /// </summary>
    public static IResourceBuilder<ProjectResource> AddSocialMediaApi(this IDistributedApplicationBuilder builder, LocalInfrastructure infrastructure, LocalInfraOptions options)
    {
        // Generated on the first run and kept in the AppHost's user secrets, so tokens survive restarts.
        var jwtSecret = builder.AddParameter("jwt-secret", new GenerateParameterDefault { MinLength = 64, Special = false }, secret: true, persist: true);
        var s3 = infrastructure.Storage;

        // The API never migrates as it starts: its own `migrate` command runs first, to completion,
        // as the deploy pipeline runs it before a release.
        var migrations = builder.AddProject<Projects.SocialMedia_Api>(MigrationsResourceName, launchProfileName: null)
            .WithArgs("migrate")
            .WithReference(infrastructure.Database).WaitFor(infrastructure.Database);

        var api = builder.AddProject<Projects.SocialMedia_Api>(ResourceName, launchProfileName: "http")
            .WithEndpoint(EndpointName, endpoint => endpoint.Port = options.ApiPort)
            .WithReference(infrastructure.Database).WaitFor(infrastructure.Database).WaitForCompletion(migrations)
            .WithEnvironment("ASPNETCORE_ENVIRONMENT", "Development")
            .WithEnvironment("Jwt__Secret", jwtSecret)
            .WithEnvironment("Storage__BucketName", S3Emulator.ImagesBucket)
            .WithEnvironment("AWS_ENDPOINT_URL_S3", s3.Endpoint)
            // The API and the browser both reach the emulator on localhost, so one URL serves both.
            .WithEnvironment("Storage__PublicServiceUrl", s3.Endpoint)
            .WithEnvironment("AWS_ACCESS_KEY_ID", s3.AccessKeyId)
            .WithEnvironment("AWS_SECRET_ACCESS_KEY", s3.SecretAccessKey)
            .WithEnvironment("AWS_REGION", "us-east-1")
            .WaitFor(s3.Resource)
            .WithHttpHealthCheck("/health", endpointName: EndpointName)
            .WithUrlForEndpoint(EndpointName, url => url.DisplayText = "API");
        return api
            .WithUrl(ReferenceExpression.Create($"{api.GetEndpoint(EndpointName)}/scalar"), "API reference (Scalar)")
            .WithDemoDataCommands(infrastructure);
    }

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
            // Emptying the tables in place, rather than dropping the database and migrating it
            // again: no process restart to wait for (the orchestrator's stop of a busy API proved
            // unreliable on small machines), and the schema is the API's current one anyway, since
            // the migrations step ran before the API started.
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
                : $"{ResourceNames.Database} does not exist yet: nothing to empty.");
        }, new CommandOptions
        {
            Description = "Deletes every user, post, like and comment (the tables are emptied; the schema stays).",
            ConfirmationMessage = $"Delete all data in {ResourceNames.Database}?",
            IconName = "DatabaseWarning",
        });
        return api;
    }
}
