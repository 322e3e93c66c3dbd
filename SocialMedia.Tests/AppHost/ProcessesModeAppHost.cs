using Aspire.Hosting;
using Aspire.Hosting.Testing;

namespace SocialMedia.Tests.AppHost;

/// <summary>
/// The real AppHost in processes mode (installed PostgreSQL, s3rver), started once for a test class,
/// with its own data folder and the testing builder's random ports. Disposing it stops every process.
/// </summary>
public class ProcessesModeAppHost : IAsyncLifetime
{
    // Generous: on a 2-core CI box the first start builds nothing but still runs initdb, npm-installed
    // s3rver, the API's migrations and several health-check rounds while other tests run.
    public static readonly TimeSpan StartupTimeout = TimeSpan.FromMinutes(5);

    private readonly AppHostArgs _args = new("Processes");

    public DistributedApplication App { get; private set; } = null!;

    /// <summary>More command-line settings for the AppHost (another API host, say).</summary>
    protected virtual string[] ExtraArgs => [];

    public string DataDirectory => _args.DataDirectory;

    public async Task InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(StartupTimeout);
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.SocialMedia_AppHost>([.. _args.Args, .. ExtraArgs], timeout.Token);
        App = await builder.BuildAsync(timeout.Token);
        await App.StartAsync(timeout.Token);
        await App.ResourceNotifications.WaitForResourceHealthyAsync("api", timeout.Token);
    }

    public HttpClient CreateApiClient() => new() { BaseAddress = App.GetEndpoint("api", "http"), Timeout = TimeSpan.FromMinutes(2) };

    public virtual async Task DisposeAsync()
    {
        if (App is not null)
        {
            await App.StopAsync();
            await App.DisposeAsync();
        }

        _args.Dispose();
    }
}

/// <summary>The AppHost in Lambda mode: the functions behind the API Gateway emulator (REST, payload 1.0), on "api".</summary>
public sealed class LambdaModeAppHost : ProcessesModeAppHost
{
    protected override string[] ExtraArgs => ["--LocalInfra:ApiHost=Lambda"];
}

/// <summary>Lambda mode with an HTTP API gateway (payload 2.0).</summary>
public sealed class HttpApiLambdaModeAppHost : ProcessesModeAppHost
{
    protected override string[] ExtraArgs => ["--LocalInfra:ApiHost=Lambda", "--LocalInfra:ApiGateway=Http"];
}
