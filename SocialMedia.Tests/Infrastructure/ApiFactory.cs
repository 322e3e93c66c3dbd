using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace SocialMedia.Tests.Infrastructure;

/// <summary>
/// The real API (its whole HTTP pipeline) on a fresh database and bucket of its own, against the
/// shared PostgreSQL and s3rver. One per test class; tests inside a class make their own users
/// and posts, so they do not depend on each other or on order.
/// </summary>
public class ApiFactory : WebApplicationFactory<Program>, IAsyncLifetime
{
    public const string JwtSecret = "test-secret-0123456789-abcdefghijklmnopqrstuvwxyz";
    public const string JwtIssuer = "social-media-api";
    public const string JwtAudience = "social-media-api";

    public string ConnectionString { get; private set; } = "";

    public string BucketName { get; } = "t-" + Guid.NewGuid().ToString("N")[..20];

    public S3rverServer S3 { get; private set; } = null!;

    /// <summary>Settings on top of the defaults below; a subclass changes limits and the like.</summary>
    protected virtual IEnumerable<KeyValuePair<string, string?>> ExtraSettings => [];

    public async Task InitializeAsync()
    {
        var postgres = await TestInfrastructure.GetPostgresAsync();
        ConnectionString = await postgres.CreateDatabaseAsync();
        S3 = await TestInfrastructure.GetS3Async();
    }

    Task IAsyncLifetime.DisposeAsync() => DisposeAsync().AsTask();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:socialdb"] = ConnectionString,
            ["Jwt:Secret"] = JwtSecret,
            ["Storage:BucketName"] = BucketName,
            ["AWS_ENDPOINT_URL_S3"] = S3.Endpoint,
            ["AWS_ACCESS_KEY_ID"] = S3rverServer.AccessKey,
            ["AWS_SECRET_ACCESS_KEY"] = S3rverServer.SecretKey,
            ["AWS_REGION"] = S3rverServer.Region,
            // Every test request comes from the same (absent) address: limits are tested on their own.
            ["RateLimits:RegistrationsPerHour"] = "0",
            ["RateLimits:LoginFailuresPerMinute"] = "0",
        };
        foreach (var (key, value) in ExtraSettings)
        {
            settings[key] = value;
        }

        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }
    }
}
