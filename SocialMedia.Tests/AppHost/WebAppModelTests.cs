using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace SocialMedia.Tests.AppHost;

/// <summary>
/// The web app's resource as the AppHost models it (built, not started): the fixed port a developer
/// opens, and the API URL it is given. The browser test runs it for real, on the testing builder's
/// random ports.
/// </summary>
public sealed class WebAppModelTests
{
    [Theory]
    [InlineData("Containers", null, 5173)]
    [InlineData("Processes", null, 5173)]
    [InlineData("Processes", "5200", 5200)]
    public async Task The_web_app_listens_on_its_fixed_port_and_calls_the_api_once_the_api_is_up(string mode, string? webPort, int expectedPort)
    {
        using var args = new AppHostArgs(mode);
        string[] arguments = webPort is null ? args.Args : [.. args.Args, $"--LocalInfra:WebPort={webPort}"];
        await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.SocialMedia_AppHost>(arguments);
        var web = Assert.IsType<ExecutableResource>(builder.Resources.Single(r => r.Name == "web"));

        var endpoint = Assert.Single(web.Annotations.OfType<EndpointAnnotation>(), e => e.Name == "http");
        Assert.Equal(expectedPort, endpoint.Port);
        Assert.Contains("api", web.Annotations.OfType<WaitAnnotation>().Select(w => w.Resource.Name));
        Assert.NotEmpty(web.Annotations.OfType<HealthCheckAnnotation>());

        // Publish-mode values are the references themselves, so they show what is wired to what.
        var configuration = await ExecutionConfigurationBuilder.Create(web).WithEnvironmentVariablesConfig()
            .BuildAsync(new DistributedApplicationExecutionContext(DistributedApplicationOperation.Publish), NullLogger.Instance, CancellationToken.None);
        var environment = configuration.EnvironmentVariables.ToDictionary();
        Assert.Equal("{api.bindings.http.url}", environment["VITE_API_URL"]);
        Assert.Equal("{web.bindings.http.targetPort}", environment["WEB_PORT"]);
        Assert.StartsWith(args.DataDirectory, environment["WEB_CACHE_DIR"], StringComparison.Ordinal);
    }
}
