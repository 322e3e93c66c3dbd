using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SocialMedia.AppHost.LocalInfra;

namespace SocialMedia.AppHost.Postgres;

public static class PostgresProcessBuilderExtensions
{
    /// <summary>
    /// PostgreSQL from the installed binaries: <c>initdb</c> into <paramref name="dataDirectory"/> on first
    /// start, then <c>postgres</c> as an executable resource, healthy once it answers a query.
    /// </summary>
    public static IResourceBuilder<PostgresProcessResource> AddPostgresProcess(
        this IDistributedApplicationBuilder builder, string name, string dataDirectory, PostgresInstallation installation, int? port)
    {
        var folder = new PostgresDataFolder(dataDirectory, installation);
        folder.CheckAccess();
        var passwordValue = folder.ReadOrCreatePassword();
        var password = builder.AddParameter($"{name}-password", () => passwordValue, secret: true);

        var (command, prefix) = folder.AsServerAccount(installation.Postgres);
        var server = new PostgresProcessResource(name, command, dataDirectory, password.Resource);
        var healthCheckKey = $"{name}_check";
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(
            healthCheckKey, _ => new PostgresConnectionHealthCheck(server, "postgres"), failureStatus: null, tags: null));

        var resource = builder.AddResource(server)
            .WithEndpoint(port: port, name: PostgresProcessResource.EndpointName, scheme: "tcp")
            .WithArgs(context =>
            {
                context.Args.AddEach(prefix);
                context.Args.AddEach(["-D", folder.Path]);
                context.Args.Add("-p");
                context.Args.Add(server.PrimaryEndpoint.Property(EndpointProperty.TargetPort));
                // TCP on loopback only; no Unix socket, so neither /var/run/postgresql nor another server's socket matters.
                context.Args.AddEach(["-c", "listen_addresses=localhost", "-c", "unix_socket_directories="]);
            })
            .WithIconName("DatabaseMultiple")
            .WithHealthCheck(healthCheckKey);

        builder.Eventing.Subscribe<BeforeResourceStartedEvent>(server, async (@event, cancellationToken) =>
        {
            var logger = @event.Services.GetRequiredService<ResourceLoggerService>().GetLogger(server);
            try
            {
                await folder.InitializeAsync(passwordValue, logger, cancellationToken);
            }
            catch (Exception e) when (e is LocalInfraException or IOException or UnauthorizedAccessException)
            {
                // The resource's own log is in the dashboard; the console is where a developer looks first.
                @event.Services.GetRequiredService<ILoggerFactory>().CreateLogger<PostgresProcessResource>()
                    .LogError("PostgreSQL cannot start: {Reason}", e.Message);
                throw;
            }
        });
        return resource;
    }

    /// <summary>A database on the server, created (if missing) as soon as the server is ready.</summary>
    public static IResourceBuilder<PostgresProcessDatabaseResource> AddDatabase(this IResourceBuilder<PostgresProcessResource> server, string name)
    {
        var database = new PostgresProcessDatabaseResource(name, name, server.Resource);
        server.ApplicationBuilder.Eventing.Subscribe<ResourceReadyEvent>(server.Resource, (_, cancellationToken) =>
            PostgresAdmin.CreateDatabaseIfMissingAsync(server.Resource, database.DatabaseName, cancellationToken));

        // Aspire hands a parent's state down to child resources only for containers; do it for the process.
        server.ApplicationBuilder.Eventing.Subscribe<InitializeResourceEvent>(database, async (@event, cancellationToken) =>
        {
            var stopping = @event.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
            using var watch = CancellationTokenSource.CreateLinkedTokenSource(stopping, cancellationToken);
            try
            {
                await foreach (var update in @event.Notifications.WatchAsync(watch.Token))
                {
                    if (update.Resource == server.Resource)
                    {
                        await @event.Notifications.PublishUpdateAsync(database, state => state with
                        {
                            State = update.Snapshot.State,
                            StartTimeStamp = update.Snapshot.StartTimeStamp,
                            StopTimeStamp = update.Snapshot.StopTimeStamp,
                        });
                    }
                }
            }
            catch (OperationCanceledException)
            {
            }
        });

        var healthCheckKey = $"{name}_check";
        server.ApplicationBuilder.Services.AddHealthChecks().Add(new HealthCheckRegistration(
            healthCheckKey, _ => new PostgresConnectionHealthCheck(database, ""), failureStatus: null, tags: null));
        return server.ApplicationBuilder.AddResource(database)
            .WithIconName("Database")
            .WithHealthCheck(healthCheckKey);
    }
}
