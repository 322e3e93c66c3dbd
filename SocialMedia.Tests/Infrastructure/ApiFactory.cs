using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace SocialMedia.Tests.Infrastructure;

/// <summary>
/// The real API (its whole HTTP pipeline) on a fresh database and bucket of its own, against the
/// shared PostgreSQL and s3rver. One per test class; tests inside a class make their own users
/// and posts, so they do not depend on each other or on order. The database is migrated before
/// the API starts, as <c>migrate</c> does before a release.
/// <para>
/// In the test process (WebApplicationFactory) by default. With SOCIALMEDIA_API_DIR naming a
/// published build (<see cref="ApiProcess"/>), the API runs as that build's own process on a free
/// port, with the same settings, and <see cref="CreateClient"/> talks to it: the black-box tests
/// run unchanged against the Native AOT executable. Tests that read the API's services or logs
/// need it in-process (<see cref="TestHost.InProcessOnly"/>).
/// </para>
/// </summary>
public class ApiFactory : IAsyncLifetime
{
    public const string JwtSecret = "test-secret-0123456789-abcdefghijklmnopqrstuvwxyz";
    public const string JwtIssuer = "social-media-api";
    public const string JwtAudience = "social-media-api";

    private InProcessApi? _inProcess;
    private ApiProcess? _process;
    private SocketsHttpHandler? _handler;
    private Uri? _address;

    public string ConnectionString { get; private set; } = "";

    public string BucketName { get; } = "t-" + Guid.NewGuid().ToString("N")[..20];

    public S3rverServer S3 { get; private set; } = null!;

    /// <summary>The API's services; only for an API in the test process.</summary>
    public IServiceProvider Services => _inProcess?.Services
        ?? throw new InvalidOperationException($"The API runs out of process ({ApiProcess.Directory}): a test that reads its services needs the trait {TestHost.Trait}={TestHost.InProcessOnly}.");

    /// <summary>Settings on top of the defaults below; a subclass changes limits and the like.</summary>
    protected virtual IEnumerable<KeyValuePair<string, string?>> ExtraSettings => [];

    /// <summary>False for an API that must find no database of its own.</summary>
    protected virtual bool CreatesDatabase => true;

    protected virtual string EnvironmentName => "Development";

    /// <summary>True for an API whose services or logs the tests read: in the test process whatever SOCIALMEDIA_API_DIR says.</summary>
    protected virtual bool InProcessOnly => false;

    /// <summary>For what must run once the database exists and before the API starts.</summary>
    protected virtual Task BeforeStartAsync() => Task.CompletedTask;

    /// <summary>For an in-process API: more than settings (a log collector, say).</summary>
    protected virtual void ConfigureInProcess(IWebHostBuilder builder)
    {
    }

    /// <summary>The PostgreSQL server the database is made on: the shared one unless a test needs its own to stop.</summary>
    protected virtual Task<PostgresServer> PostgresAsync() => TestInfrastructure.GetPostgresAsync();

    /// <summary>The s3rver the bucket lives on: the shared one unless a test needs its own to stop.</summary>
    protected virtual Task<S3rverServer> S3Async() => TestInfrastructure.GetS3Async();

    public async Task InitializeAsync()
    {
        S3 = await S3Async();
        if (CreatesDatabase)
        {
            ConnectionString = await (await PostgresAsync()).CreateDatabaseAsync();
        }

        await BeforeStartAsync();
        if (ApiProcess.PublishedDirectory is null || InProcessOnly)
        {
            _inProcess = new InProcessApi(this, Settings());
            return;
        }

        _process = ApiProcess.Start(ProcessEnvironment());
        _address = await _process.Listening.WaitAsync(TimeSpan.FromSeconds(90));
        _handler = new SocketsHttpHandler { AllowAutoRedirect = false };
    }

    /// <summary>
    /// This API's settings as the environment of an <see cref="ApiProcess"/> on a free port: for a
    /// test that runs more instances of it, on the same database and bucket.
    /// </summary>
    public Dictionary<string, string?> ProcessEnvironment()
    {
        var environment = ApiSettings.AsEnvironment(Settings());
        environment["ASPNETCORE_ENVIRONMENT"] = EnvironmentName;
        environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
        return environment;
    }

    private Dictionary<string, string?> Settings() =>
        ApiSettings.For(ConnectionString, S3, BucketName)
            .With([
                // Every test request comes from the same address: limits are tested on their own.
                new("RateLimits:LoginFailuresPerMinute", "0"),
                new("RateLimits:LoginFailuresPerAccountPerHour", "0"),
            ])
            .With(ExtraSettings);

    /// <summary>A client of the API, wherever it runs; relative URLs, as a frontend has them.</summary>
    public HttpClient CreateClient() =>
        _process is null
            ? (_inProcess ?? throw new InvalidOperationException("The API has not started yet.")).CreateClient()
            : new HttpClient(_handler!, disposeHandler: false) { BaseAddress = _address };

    Task IAsyncLifetime.DisposeAsync() => DisposeAsync().AsTask();

    public virtual async ValueTask DisposeAsync()
    {
        if (_inProcess is not null)
        {
            await _inProcess.DisposeAsync();
        }

        if (_process is not null)
        {
            await _process.DisposeAsync();
        }

        _handler?.Dispose();
    }

    private sealed class InProcessApi(ApiFactory api, IReadOnlyDictionary<string, string?> settings) : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment(api.EnvironmentName);
            foreach (var (key, value) in settings)
            {
                builder.UseSetting(key, value);
            }

            api.ConfigureInProcess(builder);
        }
    }
}
