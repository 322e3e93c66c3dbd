using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace SocialMedia.Tests.AppHost;

/// <summary>
/// Settings given to the AppHost under <c>Api:</c> reach the API as its own keys, on Kestrel and in
/// every Lambda function: the model, built but not started.
/// </summary>
public sealed class ApiSettingsPassthroughTests
{
    [Theory]
    [InlineData("Kestrel", "api")]
    [InlineData("Lambda", "auth")]
    [InlineData("Lambda", "posts")]
    [InlineData("Lambda", "authorizer")]
    public async Task An_api_setting_given_to_the_app_host_reaches_the_api(string apiHost, string resource)
    {
        using var args = new AppHostArgs("Processes");
        await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.SocialMedia_AppHost>(
            [.. args.Args, $"--LocalInfra:ApiHost={apiHost}", "--Api:RateLimits:RegistrationsPerHour=0", "--Api:Jwt:LifetimeHours=2"]);
        var api = Assert.IsType<ProjectResource>(builder.Resources.Single(r => r.Name == resource));

        var configuration = await ExecutionConfigurationBuilder.Create(api).WithEnvironmentVariablesConfig()
            .BuildAsync(new DistributedApplicationExecutionContext(DistributedApplicationOperation.Publish), NullLogger.Instance, CancellationToken.None);
        var environment = configuration.EnvironmentVariables.ToDictionary();

        Assert.Equal("0", environment["RateLimits__RegistrationsPerHour"]);
        Assert.Equal("2", environment["Jwt__LifetimeHours"]);
        Assert.DoesNotContain(environment.Keys, k => k.StartsWith("Api__", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Lambda_mode_puts_the_gateway_on_the_apis_port_with_every_route_of_deploy_and_the_local_probes()
    {
        using var args = new AppHostArgs("Processes");
        await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.SocialMedia_AppHost>([.. args.Args, "--LocalInfra:ApiHost=Lambda"]);
        var gateway = Assert.IsType<ProjectResource>(builder.Resources.Single(r => r.Name == "api"));
        Assert.Equal(5080, Assert.Single(gateway.Annotations.OfType<EndpointAnnotation>(), e => e.Name == "http").Port);

        var configuration = await ExecutionConfigurationBuilder.Create(gateway).WithEnvironmentVariablesConfig()
            .BuildAsync(new DistributedApplicationExecutionContext(DistributedApplicationOperation.Publish), NullLogger.Instance, CancellationToken.None);
        var environment = configuration.EnvironmentVariables.ToDictionary();
        var routes = environment.Keys.Count(k => k.EndsWith("__Path", StringComparison.Ordinal));
        var deployed = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(Infrastructure.TestInfrastructure.RepositoryRoot, "deploy", "terraform", "routes.json")))
            .RootElement.GetProperty("routes").GetArrayLength();
        // deploy/'s routes, and the two the local stack adds (the liveness probe, the OpenAPI document).
        Assert.Equal(deployed + SocialMedia.AppHost.Api.LambdaStackBuilderExtensions.LocalOnlyRoutes.Count, routes);
        Assert.Equal("Rest", environment["Gateway__Type"]);
        Assert.Equal("authorizer", environment["Gateway__AuthorizerFunction"]);

        // Each function's timeout is the Lambda emulator's to enforce, as in Lambda.
        var emulator = Assert.IsType<ProjectResource>(builder.Resources.Single(r => r.Name == "LambdaServiceEmulator"));
        var emulatorConfiguration = await ExecutionConfigurationBuilder.Create(emulator).WithEnvironmentVariablesConfig()
            .BuildAsync(new DistributedApplicationExecutionContext(DistributedApplicationOperation.Publish), NullLogger.Instance, CancellationToken.None);
        var emulatorEnvironment = emulatorConfiguration.EnvironmentVariables.ToDictionary();
        Assert.All(new[] { "auth", "posts", "likes", "comments", "authorizer" }, f => Assert.Equal("30", emulatorEnvironment[$"Lambda__Functions__{f}__TimeoutSeconds"]));
    }
}
