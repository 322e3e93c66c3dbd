using System.Net;
using SocialMedia.Tests.Infrastructure;

namespace SocialMedia.Tests.Api;

/// <summary>The API in production mode with its database unreachable (nothing listens on the port).</summary>
public sealed class UnreachableDatabaseFactory : ApiFactory
{
    protected override bool CreatesDatabase => false;

    protected override string EnvironmentName => "Production";

    protected override IEnumerable<KeyValuePair<string, string?>> ExtraSettings =>
    [
        new("ConnectionStrings:socialdb", $"Host=127.0.0.1;Port={TestPorts.FreeTcpPort()};Username=postgres;Database=none;Timeout=2"),
        new("AWS_ENDPOINT_URL_S3", "http://127.0.0.1:1"),
    ];
}

public sealed class DatabaseOutageTests(UnreachableDatabaseFactory factory) : IClassFixture<UnreachableDatabaseFactory>
{
    [Fact]
    public async Task Health_reports_503_while_alive_stays_200()
    {
        using var client = factory.CreateClient();
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await client.GetAsync("/health")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/alive")).StatusCode);
    }

    [Fact]
    public async Task An_unreachable_database_is_a_503_with_retry_after_that_reveals_nothing_internal()
    {
        using var client = factory.CreateClient();
        using var response = await client.GetAsync("/api/v1/posts");
        var problem = await response.AssertProblemAsync(HttpStatusCode.ServiceUnavailable);
        Assert.True(response.Headers.RetryAfter?.Delta > TimeSpan.Zero, "Retry-After in seconds");
        var text = problem.ToString();
        Assert.DoesNotContain("Npgsql", text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("127.0.0.1", text, StringComparison.Ordinal);
        Assert.DoesNotContain("SELECT", text, StringComparison.OrdinalIgnoreCase);
    }
}
