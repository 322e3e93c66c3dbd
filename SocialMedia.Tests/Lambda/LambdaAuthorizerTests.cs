using System.Net;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using SocialMedia.Tests.Infrastructure;
using SocialMedia.Tests.Lambda.Support;

namespace SocialMedia.Tests.Lambda;

/// <summary>
/// Two functions on one database, as deployed: the API (auth group) and the authorizer
/// (_HANDLER=authorizer). Tokens come from the API itself, so both validate the same real tokens.
/// The authorizer exports its spans to an OTLP receiver in the ADOT collector's place.
/// </summary>
public sealed class AuthorizerFunctionsFixture : LambdaFunctionFixture
{
    public LambdaRuntimeEmulator AuthorizerRuntime { get; private set; } = null!;

    public ApiProcess Authorizer { get; private set; } = null!;

    public OtlpReceiver AuthorizerOtlp { get; private set; } = null!;

    public async Task<InvocationResult> AuthorizeAsync(string payload, string? traceId = null) => await AuthorizerRuntime.InvokeAsync(payload, traceId);

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        AuthorizerRuntime = await LambdaRuntimeEmulator.StartAsync();
        AuthorizerOtlp = await OtlpReceiver.StartAsync();
        var environment = Environment();
        environment["AWS_LAMBDA_RUNTIME_API"] = AuthorizerRuntime.RuntimeApi;
        environment["_HANDLER"] = "authorizer";
        environment["OTEL_EXPORTER_OTLP_ENDPOINT"] = AuthorizerOtlp.Endpoint;
        Authorizer = ApiProcess.Start(environment);
    }

    public override async Task DisposeAsync()
    {
        if (Authorizer is not null)
        {
            await Authorizer.DisposeAsync();
        }

        if (AuthorizerRuntime is not null)
        {
            await AuthorizerRuntime.DisposeAsync();
        }

        if (AuthorizerOtlp is not null)
        {
            await AuthorizerOtlp.DisposeAsync();
        }

        await base.DisposeAsync();
    }
}

public sealed class LambdaAuthorizerTests(AuthorizerFunctionsFixture functions) : IClassFixture<AuthorizerFunctionsFixture>
{
    private const string MethodArn = "arn:aws:execute-api:us-east-1:123456789012:abcdef123/prod/GET/api/v1/auth/me";

    private async Task<(Guid Id, string Token)> RegisterAsync()
    {
        using var client = functions.CreateClient(PayloadVersion.RestV1);
        var username = "a_" + Guid.NewGuid().ToString("N")[..16];
        using var response = await client.PostAsJsonAsync("/api/v1/auth/register", new { email = $"{username}@example.com", password = ApiClientExtensions.Password, username });
        var body = await response.ReadJsonAsync();
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (body.GetProperty("user").GetProperty("id").GetGuid(), body.GetProperty("token").GetString()!);
    }

    private static string TokenEvent(string authorization)
    {
        var e = ApiGatewayClientHandler.Template("authorizer-token.json");
        e["authorizationToken"] = authorization;
        e["methodArn"] = MethodArn;
        return e.ToJsonString();
    }

    private static string RequestEvent(string file, string header, string authorization)
    {
        var e = ApiGatewayClientHandler.Template(file);
        e["headers"]![header] = authorization;
        if (e["multiValueHeaders"] is JsonObject multi)
        {
            multi[header] = new JsonArray(authorization);
        }

        return e.ToJsonString();
    }

    private static void AssertAllowed(InvocationResult result, Guid userId, string resource)
    {
        Assert.False(result.IsError, result.ToString());
        var json = result.Json;
        Assert.Equal(userId.ToString(), json.GetProperty("principalId").GetString());
        var statement = Assert.Single(json.GetProperty("policyDocument").GetProperty("Statement").EnumerateArray());
        Assert.Equal("2012-10-17", json.GetProperty("policyDocument").GetProperty("Version").GetString());
        Assert.Equal("Allow", statement.GetProperty("Effect").GetString());
        Assert.Equal("execute-api:Invoke", statement.GetProperty("Action").GetString());
        Assert.Equal(resource, Assert.Single(statement.GetProperty("Resource").EnumerateArray()).GetString());
        Assert.Equal(userId.ToString(), json.GetProperty("context").GetProperty("user_id").GetString());
    }

    private static void AssertUnauthorized(InvocationResult result)
    {
        Assert.True(result.IsError, result.ToString());
        // API Gateway answers 401 only for exactly this message.
        Assert.Equal("Unauthorized", result.Json.GetProperty("errorMessage").GetString());
    }

    [Fact]
    public async Task An_authorizer_that_cannot_reach_its_database_fails_with_its_fault_line_and_a_refusal_writes_none()
    {
        var (_, token) = await RegisterAsync();
        AssertUnauthorized(await functions.AuthorizeAsync(TokenEvent("Bearer not-a-token")));
        Assert.DoesNotContain("AuthorizerFault", functions.Authorizer.Output, StringComparison.Ordinal);

        await using var runtime = await LambdaRuntimeEmulator.StartAsync();
        var environment = functions.Environment();
        environment["AWS_LAMBDA_RUNTIME_API"] = runtime.RuntimeApi;
        environment["_HANDLER"] = "authorizer";
        environment["ConnectionStrings__socialdb"] = $"Host=127.0.0.1;Port={TestPorts.FreeTcpPort()};Username=postgres;Database=none;Timeout=2";
        environment["Logging__LogLevel__Default"] = "Information";
        await using var cut = ApiProcess.Start(environment);

        var result = await runtime.InvokeAsync(TokenEvent("Bearer " + token), timeLimit: TimeSpan.FromMinutes(1));

        // Not "Unauthorized": API Gateway answers its AUTHORIZER_FAILURE response (503), and deploy/'s
        // alarm counts the fault line, not the refusals.
        Assert.True(result.IsError, result.ToString());
        Assert.NotEqual("Unauthorized", result.Json.GetProperty("errorMessage").GetString());
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!cut.Output.Contains("AuthorizerFault", StringComparison.Ordinal) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        Assert.Contains("AuthorizerFault", cut.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_valid_token_event_gets_an_allow_policy_for_every_route_of_the_stage()
    {
        var (id, token) = await RegisterAsync();
        AssertAllowed(await functions.AuthorizeAsync(TokenEvent("Bearer " + token)), id, "arn:aws:execute-api:us-east-1:123456789012:abcdef123/prod/*/*");
    }

    [Fact]
    public async Task Request_events_of_rest_and_http_apis_read_the_authorization_header()
    {
        var (id, token) = await RegisterAsync();
        AssertAllowed(await functions.AuthorizeAsync(RequestEvent("authorizer-request.json", "Authorization", "Bearer " + token)), id,
            "arn:aws:execute-api:us-east-1:123456789012:abcdef123/test/*/*");
        AssertAllowed(await functions.AuthorizeAsync(RequestEvent("authorizer-request-v2.json", "authorization", "bearer " + token)), id,
            "arn:aws:execute-api:us-east-1:123456789012:abcdef123/test/*/*");
    }

    [Fact]
    public async Task Tampered_expired_foreign_and_missing_tokens_are_unauthorized()
    {
        var (id, token) = await RegisterAsync();
        var parts = token.Split('.');
        var payload = Encoding.UTF8.GetString(Base64UrlEncoder.DecodeBytes(parts[1])).Replace(id.ToString(), Guid.NewGuid().ToString(), StringComparison.Ordinal);
        var tampered = $"{parts[0]}.{Base64UrlEncoder.Encode(payload)}.{parts[2]}";

        AssertUnauthorized(await functions.AuthorizeAsync(TokenEvent("Bearer " + tampered)));
        AssertUnauthorized(await functions.AuthorizeAsync(TokenEvent("Bearer " + Sign(id, ApiFactory.JwtSecret, DateTime.UtcNow.AddHours(-2)))));
        AssertUnauthorized(await functions.AuthorizeAsync(TokenEvent("Bearer " + Sign(id, "another-secret-0123456789-abcdefghijklmnopqrstuvwxyz", DateTime.UtcNow.AddHours(1)))));
        AssertUnauthorized(await functions.AuthorizeAsync(TokenEvent(token)));
        AssertUnauthorized(await functions.AuthorizeAsync(TokenEvent("")));
    }

    [Fact]
    public async Task A_revoked_token_is_unauthorized_and_the_api_refuses_it_even_if_a_cached_allow_lets_it_through()
    {
        var (id, token) = await RegisterAsync();
        AssertAllowed(await functions.AuthorizeAsync(TokenEvent("Bearer " + token)), id, "arn:aws:execute-api:us-east-1:123456789012:abcdef123/prod/*/*");

        using var client = functions.CreateClient(PayloadVersion.RestV1, token);
        using (var logout = await client.DeleteAsync("/api/v1/auth/logout"))
        {
            Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
        }

        AssertUnauthorized(await functions.AuthorizeAsync(TokenEvent("Bearer " + token)));
        // API Gateway may still hold the earlier Allow for this token; the API checks again.
        using var me = await client.GetAsync("/api/v1/auth/me");
        await me.AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task The_authorizers_invocation_continues_the_xray_trace_in_a_server_span()
    {
        var (id, token) = await RegisterAsync();
        var allowed = await functions.AuthorizeAsync(TokenEvent("Bearer " + token), "Root=1-5759e988-0123456789abcdef0a0b0c0d;Parent=53995c3f42cd8ad8;Sampled=1");
        AssertAllowed(allowed, id, "arn:aws:execute-api:us-east-1:123456789012:abcdef123/prod/*/*");

        // The span is exported before the answer is posted, so it is already here.
        var span = Assert.Single(functions.AuthorizerOtlp.Spans, s => s.TraceId == "5759e9880123456789abcdef0a0b0c0d" && s.ParentSpanId == "53995c3f42cd8ad8");
        Assert.Equal("authorizer", span.Name);
        Assert.Equal(2, span.Kind); // server
        Assert.Equal(id.ToString(), span.Attributes["enduser.id"]);
        Assert.Equal("other", span.Attributes["faas.trigger"]);
    }

    private static string Sign(Guid userId, string secret, DateTime expires)
    {
        var issued = expires.AddHours(-1);
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = ApiFactory.JwtIssuer,
            Audience = ApiFactory.JwtAudience,
            IssuedAt = issued,
            NotBefore = issued,
            Expires = expires,
            Subject = new ClaimsIdentity([new Claim("sub", userId.ToString()), new Claim("jti", Guid.NewGuid().ToString("N"))]),
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(secret)), SecurityAlgorithms.HmacSha256),
        });
    }
}
