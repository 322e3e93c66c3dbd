using SocialMedia.Tests.Infrastructure;

namespace SocialMedia.Tests.Lambda.Support;

/// <summary>
/// One Lambda function process (the published API in Lambda mode) with its Runtime API emulator,
/// on a fresh database and bucket of the shared PostgreSQL and s3rver. One per test class.
/// Production environment, as in AWS; the database is migrated before the function starts, as the
/// deploy's migrate step does, and only bucket creation is switched on.
/// </summary>
public class LambdaFunctionFixture : IAsyncLifetime
{
    public LambdaRuntimeEmulator Runtime { get; private set; } = null!;

    public ApiProcess Function { get; private set; } = null!;

    public string ConnectionString { get; private set; } = "";

    public S3rverServer S3 { get; private set; } = null!;

    public string BucketName { get; } = "l-" + Guid.NewGuid().ToString("N")[..20];

    /// <summary>Environment variables on top of the defaults; a subclass picks a handler, a group, limits.</summary>
    protected virtual IEnumerable<KeyValuePair<string, string?>> ExtraEnvironment => [];

    /// <summary>Whether to wait for the function's first /next (false for start-up failure tests).</summary>
    protected virtual bool WaitUntilReady => true;

    public virtual async Task InitializeAsync()
    {
        var postgres = await TestInfrastructure.GetPostgresAsync();
        ConnectionString = await postgres.CreateDatabaseAsync();
        S3 = await TestInfrastructure.GetS3Async();
        Runtime = await LambdaRuntimeEmulator.StartAsync();
        await BeforeStartAsync();
        Function = ApiProcess.Start(Environment());
        if (WaitUntilReady)
        {
            await WaitForRuntimeLoopAsync();
        }
    }

    /// <summary>For fixtures that need more running before the function starts.</summary>
    protected virtual Task BeforeStartAsync() => Task.CompletedTask;

    public Dictionary<string, string?> Environment() =>
        ApiSettings.AsEnvironment(ApiSettings.For(ConnectionString, S3, BucketName)
            .With([
                new("AWS_LAMBDA_RUNTIME_API", Runtime.RuntimeApi),
                new("AWS_LAMBDA_FUNCTION_NAME", "social-media-test"),
                new("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST"),
                new("ASPNETCORE_ENVIRONMENT", "Production"),
                new("Storage:CreateBucketOnStartup", "true"),
                new("Logging:LogLevel:Default", "Warning"),
            ]))
            .With(ExtraEnvironment);

    public HttpClient CreateClient(PayloadVersion version, out ApiGatewayClientHandler gateway, string? token = null)
    {
        gateway = new ApiGatewayClientHandler(Runtime, version);
        var client = new HttpClient(gateway) { BaseAddress = new Uri("https://api.example.com") };
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new("Bearer", token);
        }

        return client;
    }

    public HttpClient CreateClient(PayloadVersion version, string? token = null) => CreateClient(version, out _, token);

    private async Task WaitForRuntimeLoopAsync()
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (Runtime.NextRequests == 0)
        {
            if (Function.HasExited)
            {
                throw new InvalidOperationException($"The function exited with {Function.ExitCode} before taking invocations:\n{Function.Output}");
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"The function never asked for an invocation:\n{Function.Output}");
            }

            await Task.Delay(50);
        }
    }

    public virtual async Task DisposeAsync()
    {
        if (Function is not null)
        {
            await Function.DisposeAsync();
        }

        if (Runtime is not null)
        {
            await Runtime.DisposeAsync();
        }
    }
}
