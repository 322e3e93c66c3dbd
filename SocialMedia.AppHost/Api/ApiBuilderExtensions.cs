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
    public const string EndpointName = "http";
    public const string SeedCommand = "seed-demo-data";
    public const string ResetCommand = "reset-database";

    /// <summary>
    /// SocialMedia.Api in Development on a fixed port, wired to the database and the S3 emulator,
    /// started once both are healthy.
    /// </summary>
    public static IResourceBuilder<ProjectResource> AddSocialMediaApi(this IDistributedApplicationBuilder builder, LocalInfrastructure infrastructure, LocalInfraOptions options)
    {
        // Generated on the first run and kept in the AppHost's user secrets, so tokens survive restarts.
        var jwtSecret = builder.AddParameter("jwt-secret", new GenerateParameterDefault { MinLength = 64, Special = false }, secret: true, persist: true);
        var s3 = infrastructure.Storage;

        var api = builder.AddProject<Projects.SocialMedia_Api>(ResourceName, launchProfileName: "http")
            .WithEndpoint(EndpointName, endpoint => endpoint.Port = options.ApiPort)
            .WithReference(infrastructure.Database).WaitFor(infrastructure.Database)
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
            try
            {
                await PostgresAdmin.RecreateDatabaseAsync(infrastructure.PostgresServer.Resource, ResourceNames.Database, context.CancellationToken);
            }
            catch (Exception e) when (e is Npgsql.NpgsqlException or InvalidOperationException)
            {
                return CommandResults.Failure($"Could not recreate {ResourceNames.Database}: {e.Message}");
            }

            // The API migrates the empty database as it starts (Development), and drops its in-memory state with it.
            var restart = await context.Services.GetRequiredService<ResourceCommandService>()
                .ExecuteCommandAsync(api.Resource, KnownResourceCommands.RestartCommand, context.CancellationToken);
            if (!restart.Success)
            {
                return CommandResults.Failure($"{ResourceNames.Database} is empty, but restarting the API failed: {restart.Message}");
            }

            // Report success only once the restarted API answers again, so whoever pressed the button
            // (or a script) can carry on at once.
            await WaitUntilHealthyAgainAsync(context.Services.GetRequiredService<ResourceNotificationService>(), api.Resource.Name, context.CancellationToken);
            return CommandResults.Success($"{ResourceNames.Database} was dropped and created empty; the API restarted and migrated it.");
        }, new CommandOptions
        {
            Description = "Drops every user, post, like and comment, then restarts the API, which migrates the empty database.",
            ConfirmationMessage = $"Delete all data in {ResourceNames.Database} and restart the API?",
            IconName = "DatabaseWarning",
        });
        return api;
    }

    private static async Task WaitUntilHealthyAgainAsync(ResourceNotificationService notifications, string resource, CancellationToken cancellationToken)
    {
        // The restart returns while the old health report may still read Healthy: first see it go, then come back.
        using (var leaving = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            leaving.CancelAfter(TimeSpan.FromSeconds(30));
            try
            {
                await notifications.WaitForResourceAsync(resource, e => e.Snapshot.HealthStatus is not HealthStatus.Healthy, leaving.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
            }
        }

        await notifications.WaitForResourceAsync(resource, e =>
            e.Snapshot.State?.Text == KnownResourceStates.Running && e.Snapshot.HealthStatus is HealthStatus.Healthy, cancellationToken);
    }
}
