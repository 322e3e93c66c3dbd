using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using SocialMedia.Api.Infrastructure;
using SocialMedia.Tests.Infrastructure;

namespace SocialMedia.Tests.Api;

/// <summary>
/// Against a loopback server speaking the Parameters and Secrets extension's documented protocol:
/// GET /secretsmanager/get?secretId=… with the X-Aws-Parameters-Secrets-Token header.
/// </summary>
public sealed class SecretsExtensionTests : IAsyncLifetime
{
    private const string SessionToken = "session-token-123";
    private const string JwtArn = "arn:aws:secretsmanager:ap-northeast-1:123456789012:secret:jwt-AbCdEf";
    private const string DatabaseArn = "arn:aws:secretsmanager:ap-northeast-1:123456789012:secret:db-GhIjKl";
    private readonly int _port = TestPorts.FreeTcpPort();
    private WebApplication _extension = null!;
    private int _notReadyAnswersLeft;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://localhost:{_port}");
        _extension = builder.Build();
        _extension.MapGet("/secretsmanager/get", (HttpRequest request, string secretId) =>
            // What the extension answers while it is still starting.
            Interlocked.Decrement(ref _notReadyAnswersLeft) >= 0 ? Results.Text("not ready to serve traffic, please wait", statusCode: 400)
            : request.Headers["X-Aws-Parameters-Secrets-Token"] != SessionToken ? Results.StatusCode(401)
            // The GetSecretValue response shape, PascalCase as Secrets Manager sends it.
            : secretId == JwtArn ? Results.Text($$"""{"ARN":"{{JwtArn}}","Name":"jwt","SecretString":"jwt-key-from-secrets-manager-0123456789","VersionStages":["AWSCURRENT"]}""", "application/json")
            : secretId == DatabaseArn ? Results.Text($$"""{"ARN":"{{DatabaseArn}}","Name":"db","SecretString":"{\"username\":\"app\",\"password\":\"p@ss;word\",\"engine\":\"postgres\"}"}""", "application/json")
            : Results.StatusCode(400));
        await _extension.StartAsync();
    }

    public async Task DisposeAsync() => await _extension.DisposeAsync();

    private ConfigurationManager Build(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationManager();
        configuration.AddInMemoryCollection(settings);
        configuration["PARAMETERS_SECRETS_EXTENSION_HTTP_PORT"] = _port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        configuration.AddSecretsExtension();
        return configuration;
    }

    [Fact]
    public void The_jwt_key_and_database_credentials_come_from_secrets_manager_at_start()
    {
        var configuration = Build(new()
        {
            ["AWS_SESSION_TOKEN"] = SessionToken,
            ["Jwt:SecretArn"] = JwtArn,
            ["Database:CredentialsSecretArn"] = DatabaseArn,
            ["ConnectionStrings:socialdb"] = "Host=proxy.example;Database=social;SSL Mode=VerifyFull",
        });

        Assert.Equal("jwt-key-from-secrets-manager-0123456789", configuration["Jwt:Secret"]);
        var connection = new Npgsql.NpgsqlConnectionStringBuilder(configuration.GetConnectionString("socialdb"));
        Assert.Equal("proxy.example", connection.Host);
        Assert.Equal("app", connection.Username);
        Assert.Equal("p@ss;word", connection.Password);
        Assert.Equal(Npgsql.SslMode.VerifyFull, connection.SslMode);
    }

    [Fact]
    public void Without_secret_arns_nothing_is_fetched_or_changed()
    {
        var configuration = Build(new() { ["Jwt:Secret"] = "local-secret", ["ConnectionStrings:socialdb"] = "Host=h" });
        Assert.Equal("local-secret", configuration["Jwt:Secret"]);
        Assert.Equal("Host=h", configuration.GetConnectionString("socialdb"));
    }

    [Fact]
    public void A_refused_fetch_stops_the_start_without_echoing_anything_secret()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Build(new() { ["AWS_SESSION_TOKEN"] = "wrong", ["Jwt:SecretArn"] = JwtArn }));
        Assert.Contains("401", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("wrong", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_extension_that_is_not_ready_yet_is_asked_again_during_init()
    {
        _notReadyAnswersLeft = 3;

        var configuration = Build(new() { ["AWS_SESSION_TOKEN"] = SessionToken, ["Jwt:SecretArn"] = JwtArn });

        Assert.Equal("jwt-key-from-secrets-manager-0123456789", configuration["Jwt:Secret"]);
        Assert.True(_notReadyAnswersLeft < 0, "the extension was asked again after its not-ready answers");
    }

    [Fact]
    public void An_extension_that_never_gets_ready_stops_the_start_with_its_last_answer()
    {
        _notReadyAnswersLeft = int.MaxValue;

        var error = Assert.ThrowsAny<InvalidOperationException>(() => Build(new() { ["AWS_SESSION_TOKEN"] = SessionToken, ["Jwt:SecretArn"] = JwtArn }));

        Assert.Contains("400", error.Message, StringComparison.Ordinal);
    }
}
