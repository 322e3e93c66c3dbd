using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using SocialMedia.AppHost.LocalInfra;

namespace SocialMedia.Tests.AppHost;

/// <summary>
/// The containers-mode model, built but never started: this machine has no container runtime, and
/// the model is what decides what a developer with Docker or Podman gets.
/// </summary>
public sealed class ContainersModeModelTests
{
    [Fact]
    public async Task Containers_mode_lists_postgres_with_its_database_local_stack_and_the_api()
    {
        using var args = new AppHostArgs("Containers");
        await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.SocialMedia_AppHost>(args.Args);

        var names = builder.Resources.Select(r => r.Name).ToHashSet();
        Assert.Superset(new HashSet<string> { "postgres", "socialdb", "s3", "migrations", "api", "jwt-secret" }, names);

        var postgres = Assert.IsType<PostgresServerResource>(builder.Resources.Single(r => r.Name == "postgres"));
        var database = Assert.IsType<PostgresDatabaseResource>(builder.Resources.Single(r => r.Name == "socialdb"));
        Assert.Same(postgres, database.Parent);
        Assert.Equal("socialdb", database.DatabaseName);
        Assert.Contains(postgres.Annotations.OfType<ContainerMountAnnotation>(), m => m.Type == ContainerMountType.Volume);

        // Exactly the images the mode probe checks a runtime can get.
        var images = builder.Resources.SelectMany(r => r.Annotations.OfType<ContainerImageAnnotation>()).Select(i => $"{i.Registry}/{i.Image}:{i.Tag}");
        Assert.Equal(ContainerImages.All.Select(i => i.Reference).Order(), images.Order());

        var s3 = Assert.IsType<ContainerResource>(builder.Resources.Single(r => r.Name == "s3"));
        var image = Assert.Single(s3.Annotations.OfType<ContainerImageAnnotation>());
        Assert.Equal("localstack/localstack", image.Image);
        Assert.Equal("4.14.0", image.Tag);
        var s3Endpoint = Assert.Single(s3.Annotations.OfType<EndpointAnnotation>());
        Assert.Equal(4566, s3Endpoint.TargetPort);
        Assert.Null(s3Endpoint.Port);
    }

    [Fact]
    public async Task Containers_mode_api_waits_for_the_database_and_S3_and_gets_every_setting()
    {
        using var args = new AppHostArgs("Containers");
        await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.SocialMedia_AppHost>(args.Args);
        var api = Assert.IsType<ProjectResource>(builder.Resources.Single(r => r.Name == "api"));

        var waitsFor = api.Annotations.OfType<WaitAnnotation>().Select(w => w.Resource.Name).ToHashSet();
        Assert.Superset(new HashSet<string> { "socialdb", "s3" }, waitsFor);

        var endpoint = Assert.Single(api.Annotations.OfType<EndpointAnnotation>(), e => e.Name == "http");
        Assert.Equal(5080, endpoint.Port);

        // Publish-mode values are the references themselves, so they show what is wired to what.
        var configuration = await ExecutionConfigurationBuilder.Create(api).WithEnvironmentVariablesConfig()
            .BuildAsync(new DistributedApplicationExecutionContext(DistributedApplicationOperation.Publish), NullLogger.Instance, CancellationToken.None);
        var environment = configuration.EnvironmentVariables.ToDictionary();
        Assert.Equal("{socialdb.connectionString}", environment["ConnectionStrings__socialdb"]);
        Assert.Equal("{s3.bindings.http.url}", environment["AWS_ENDPOINT_URL_S3"]);
        Assert.Equal("{s3.bindings.http.url}", environment["Storage__PublicServiceUrl"]);
        Assert.Equal("social-media-images", environment["Storage__BucketName"]);
        Assert.Equal("test", environment["AWS_ACCESS_KEY_ID"]);
        Assert.Equal("test", environment["AWS_SECRET_ACCESS_KEY"]);
        Assert.Equal("us-east-1", environment["AWS_REGION"]);
        Assert.Equal("{jwt-secret.value}", environment["Jwt__Secret"]);
        Assert.Equal("Development", environment["ASPNETCORE_ENVIRONMENT"]);

        var jwtSecret = Assert.IsType<ParameterResource>(builder.Resources.Single(r => r.Name == "jwt-secret"));
        Assert.True(jwtSecret.Secret);
    }

    [Theory]
    [InlineData("Containers")]
    [InlineData("Processes")]
    public async Task Migrations_are_a_step_of_their_own_that_the_api_waits_to_complete(string mode)
    {
        using var args = new AppHostArgs(mode);
        await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.SocialMedia_AppHost>(args.Args);
        var migrations = Assert.IsType<ProjectResource>(builder.Resources.Single(r => r.Name == "migrations"));
        var api = Assert.IsType<ProjectResource>(builder.Resources.Single(r => r.Name == "api"));

        // The API project itself, started with the migrate command, once the database is up.
        Assert.Equal(api.GetProjectMetadata().ProjectPath, migrations.GetProjectMetadata().ProjectPath);
        var publish = new DistributedApplicationExecutionContext(DistributedApplicationOperation.Publish);
        var configuration = await ExecutionConfigurationBuilder.Create(migrations).WithArgumentsConfig().WithEnvironmentVariablesConfig()
            .BuildAsync(publish, NullLogger.Instance, CancellationToken.None);
        Assert.Equal(["migrate"], configuration.Arguments.Select(a => a.Value));
        Assert.Equal("{socialdb.connectionString}", configuration.EnvironmentVariables.ToDictionary()["ConnectionStrings__socialdb"]);
        Assert.Contains(migrations.Annotations.OfType<WaitAnnotation>(), w => w.Resource.Name == "socialdb" && w.WaitType == WaitType.WaitUntilHealthy);
        Assert.Empty(migrations.Annotations.OfType<EndpointAnnotation>());

        // The API starts only after the migrations finished successfully.
        var wait = Assert.Single(api.Annotations.OfType<WaitAnnotation>(), w => w.Resource == migrations);
        Assert.Equal(WaitType.WaitForCompletion, wait.WaitType);
        Assert.Equal(0, wait.ExitCode);
    }

    [Fact]
    public async Task The_api_starts_only_once_its_own_migrate_command_has_completed()
    {
        using var args = new AppHostArgs("Containers");
        await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.SocialMedia_AppHost>(args.Args);
        var api = Assert.IsType<ProjectResource>(builder.Resources.Single(r => r.Name == "api"));
        var migrations = Assert.IsType<ProjectResource>(builder.Resources.Single(r => r.Name == "migrations"));

        Assert.Equal(api.GetProjectMetadata().ProjectPath, migrations.GetProjectMetadata().ProjectPath);
        Assert.Contains(api.Annotations.OfType<WaitAnnotation>(), w => w.Resource == migrations && w.WaitType == WaitType.WaitForCompletion);
        Assert.Contains(migrations.Annotations.OfType<WaitAnnotation>(), w => w.Resource.Name == "socialdb");
        var arguments = await ExecutionConfigurationBuilder.Create(migrations).WithArgumentsConfig()
            .BuildAsync(new DistributedApplicationExecutionContext(DistributedApplicationOperation.Publish), NullLogger.Instance, CancellationToken.None);
        Assert.Equal(["migrate"], arguments.Arguments.Select(a => a.Value));
        var configuration = await ExecutionConfigurationBuilder.Create(migrations).WithEnvironmentVariablesConfig()
            .BuildAsync(new DistributedApplicationExecutionContext(DistributedApplicationOperation.Publish), NullLogger.Instance, CancellationToken.None);
        Assert.Equal("{socialdb.connectionString}", configuration.EnvironmentVariables.ToDictionary()["ConnectionStrings__socialdb"]);
    }

    [Fact]
    public async Task Containers_mode_has_health_checks_on_every_service_the_api_waits_for()
    {
        using var args = new AppHostArgs("Containers");
        await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.SocialMedia_AppHost>(args.Args);

        foreach (var name in new[] { "postgres", "socialdb", "s3", "api" })
        {
            var resource = builder.Resources.Single(r => r.Name == name);
            Assert.NotEmpty(resource.Annotations.OfType<HealthCheckAnnotation>());
        }

        var s3HealthCheck = Assert.Single(builder.Resources.Single(r => r.Name == "s3").Annotations.OfType<HealthCheckAnnotation>());
        Assert.Contains("/_localstack/health", s3HealthCheck.Key, StringComparison.Ordinal);
        var apiHealthCheck = Assert.Single(builder.Resources.Single(r => r.Name == "api").Annotations.OfType<HealthCheckAnnotation>());
        Assert.Contains("/health", apiHealthCheck.Key, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Api_has_the_seed_and_reset_commands_in_the_dashboard()
    {
        using var args = new AppHostArgs("Containers");
        await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.SocialMedia_AppHost>(args.Args);
        var api = builder.Resources.Single(r => r.Name == "api");

        var commands = api.Annotations.OfType<ResourceCommandAnnotation>().ToDictionary(c => c.Name, c => c.DisplayName);
        Assert.Equal("Seed demo data", commands["seed-demo-data"]);
        Assert.Equal("Reset database", commands["reset-database"]);
    }

    [Fact]
    public async Task Processes_mode_model_has_no_container_at_all()
    {
        using var args = new AppHostArgs("Processes");
        await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.SocialMedia_AppHost>(args.Args);

        Assert.DoesNotContain(builder.Resources, r => r.Annotations.OfType<ContainerImageAnnotation>().Any());
        Assert.Superset(new HashSet<string> { "postgres", "socialdb", "s3", "migrations", "api" }, builder.Resources.Select(r => r.Name).ToHashSet());
        Assert.IsAssignableFrom<ExecutableResource>(builder.Resources.Single(r => r.Name == "postgres"));
        Assert.IsAssignableFrom<ExecutableResource>(builder.Resources.Single(r => r.Name == "s3"));
    }
}
