using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SocialMedia.AppHost.Postgres;
using SocialMedia.AppHost.Storage;

namespace SocialMedia.AppHost.LocalInfra;

/// <summary>What the API needs from the local infrastructure, whichever mode built it.</summary>
public sealed record LocalInfrastructure(
    ModeDecision Mode,
    IResourceBuilder<IResourceWithConnectionString> PostgresServer,
    IResourceBuilder<IResourceWithConnectionString> Database,
    S3Emulator Storage);

public static class LocalInfrastructureBuilderExtensions
{
    public const string PostgresResourceName = "postgres";

    /// <summary>PostgreSQL with the <c>socialdb</c> database and an S3 emulator, as containers or as local processes.</summary>
    public static LocalInfrastructure AddLocalInfrastructure(this IDistributedApplicationBuilder builder, LocalInfraOptions options)
    {
        var mode = new ContainerRuntimeProbe().Decide(options, builder.Configuration, ContainerImages.All);
        if (mode.ContainerRuntime is { } runtime)
        {
            // The orchestrator must use the runtime that was found to work (Docker is its default).
            builder.Configuration["DcpPublisher:ContainerRuntime"] = runtime;
        }

        var infrastructure = mode.Mode is LocalInfraMode.Containers
            ? builder.AddContainerInfrastructure(mode, options)
            : builder.AddProcessInfrastructure(mode, options);

        builder.Eventing.Subscribe<BeforeStartEvent>((@event, _) =>
        {
            var logger = @event.Services.GetRequiredService<ILoggerFactory>().CreateLogger("SocialMedia.AppHost.LocalInfra");
            logger.LogInformation("Local infrastructure: {Mode} mode, because {Reason}", mode.Mode, mode.Reason);
            if (mode.Mode is LocalInfraMode.Processes)
            {
                logger.LogInformation("Data folder: {DataDirectory} (kept between runs)", options.DataDirectory);
            }

            return Task.CompletedTask;
        });
        return infrastructure;
    }

    /// <summary>Aspire's PostgreSQL container (with a data volume) and LocalStack for S3.</summary>
    public static LocalInfrastructure AddContainerInfrastructure(this IDistributedApplicationBuilder builder, ModeDecision mode, LocalInfraOptions options)
    {
        var image = ContainerImages.Postgres;
        var postgres = builder.AddPostgres(PostgresResourceName, port: options.PostgresPort)
            .WithImageRegistry(image.Registry).WithImage(image.Image, image.Tag)
            .WithDataVolume();
        var database = postgres.AddDatabase(ResourceNames.Database);
        return new LocalInfrastructure(mode, postgres, database, builder.AddLocalStackS3(options.S3Port));
    }

    /// <summary>
    /// The installed PostgreSQL binaries and s3rver. Not one container resource: with no runtime,
    /// a single container in the model would leave Aspire waiting for one and failing.
    /// </summary>
    public static LocalInfrastructure AddProcessInfrastructure(this IDistributedApplicationBuilder builder, ModeDecision mode, LocalInfraOptions options)
    {
        var dataDirectory = options.DataDirectory!;
        var postgres = builder.AddPostgresProcess(PostgresResourceName, dataDirectory, PostgresInstallation.Find(options), options.PostgresPort);
        var database = postgres.AddDatabase(ResourceNames.Database);
        return new LocalInfrastructure(mode, postgres, database, builder.AddS3rver(dataDirectory, options.S3Port));
    }
}
