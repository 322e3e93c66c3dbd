using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SocialMedia.Api.Database;
using SocialMedia.Api.Features.Auth;
using SocialMedia.Api.Infrastructure;
using SocialMedia.Hosting.Lambda;
using SocialMedia.Tests.Infrastructure;
using SocialMedia.Tests.Lambda.Support;

namespace SocialMedia.Tests.Lambda;

/// <summary>
/// A small app with the API's own HTTP setup (problem details, exception handler, body limit)
/// hosted by the Lambda server in this process, with endpoints that echo what the pipeline saw.
/// Events go through the same Runtime API emulator as the end-to-end tests.
/// </summary>
public sealed class EchoLambdaApp : IAsyncLifetime
{
    public static readonly byte[] Png = Convert.FromBase64String(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==");

    private WebApplication? _app;

    public LambdaRuntimeEmulator Runtime { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Runtime = await LambdaRuntimeEmulator.StartAsync();
        var builder = WebApplication.CreateBuilder();
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection([
            new(LambdaHostingOptions.RuntimeApiVariable, Runtime.RuntimeApi),
            new("Jwt:Secret", ApiFactory.JwtSecret),
            // The auth setup brings its store, which needs a data source; never connected to here.
            new("ConnectionStrings:socialdb", "Host=127.0.0.1;Port=1;Database=unused"),
        ]);
        builder.AddDatabase();
        builder.AddAuth();
        builder.AddWebApi();
        builder.AddAWSLambdaHosting(LambdaEventSource.RestApi);
        var app = builder.Build();
        app.UseWebApi();
        Map(app);
        await app.StartAsync();
        _app = app;
    }

    /// <summary>Quotes, markup and text outside ASCII: what the default JSON encoder escapes.</summary>
    internal const string Greeting = "こんにちは、\"世界\" <b>&</b>";

    private static void Map(WebApplication app)
    {
        app.MapMethods("/echo/{**rest}", ["GET", "POST"], (HttpContext context) => TypedResults.Json(new Dictionary<string, object?>
        {
            ["path"] = context.Request.Path.Value,
            ["path_base"] = context.Request.PathBase.Value,
            ["raw_target"] = context.Features.Get<IHttpRequestFeature>()!.RawTarget,
            ["query"] = context.Request.Query.ToDictionary(q => q.Key, q => q.Value.ToArray()),
            ["headers"] = context.Request.Headers.Where(h => h.Key.StartsWith("X-", StringComparison.OrdinalIgnoreCase) || h.Key.Equals("Date", StringComparison.OrdinalIgnoreCase) || h.Key.Equals("User-Agent", StringComparison.OrdinalIgnoreCase))
                .ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToArray()),
            ["cookies"] = context.Request.Cookies.ToDictionary(c => c.Key, c => c.Value),
            ["remote_ip"] = context.Connection.RemoteIpAddress?.ToString(),
            ["scheme"] = context.Request.Scheme,
            ["host"] = context.Request.Host.Value,
            ["link"] = context.RequestServices.GetRequiredService<LinkGenerator>().GetPathByName(context, "thing", new { id = 7 }),
        })).WithName("echo");
        app.MapGet("/things/{id}", (int id) => TypedResults.Created($"/things/{id}", new { id })).WithName("thing");
        app.MapPost("/bytes", async (HttpContext context) =>
        {
            using var buffer = new MemoryStream();
            await context.Request.Body.CopyToAsync(buffer);
            return TypedResults.Bytes(buffer.ToArray(), "application/octet-stream");
        });
        app.MapGet("/png", () => TypedResults.Bytes(Png, "image/png"));
        app.MapGet("/greeting", () => TypedResults.Text(Greeting, "text/plain; charset=utf-8"));
        app.MapGet("/cookies", (HttpContext context) =>
        {
            context.Response.Cookies.Append("session", "abc", new CookieOptions { HttpOnly = true, Path = "/" });
            context.Response.Cookies.Append("theme", "dark, light", new CookieOptions { Expires = new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero) });
            return TypedResults.NoContent();
        });
        app.MapGet("/huge", () => TypedResults.Text(new string('x', 7 * 1024 * 1024), "text/plain"));
        app.MapGet("/throws", string () => throw new InvalidOperationException("secret detail: Host=db;Password=hunter2"));
        app.MapGet("/throws-after-start", async (HttpContext context) =>
        {
            await context.Response.WriteAsync("partial");
            await context.Response.Body.FlushAsync();
            throw new InvalidOperationException("after the response started");
        });
        app.MapGet("/slow", async (CancellationToken cancellationToken) =>
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
            return "never";
        });
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        await Runtime.DisposeAsync();
    }
}

/// <summary>
/// API Gateway's event rules, each a pitfall users of the AWS package reported
/// (aws/aws-lambda-dotnet issue numbers in the names' comments).
/// </summary>
[Trait(TestHost.Trait, TestHost.InProcessOnly)]
public sealed class LambdaAdapterTests(EchoLambdaApp echo) : IClassFixture<EchoLambdaApp>
{
    private static JsonNode V1(string path, string method = "GET")
    {
        var e = ApiGatewayClientHandler.Template("rest-api-v1.json");
        e["path"] = path;
        e["httpMethod"] = method;
        return e;
    }

    private static JsonNode V2(string rawPath, string rawQuery = "", string method = "GET")
    {
        var e = ApiGatewayClientHandler.Template("http-api-v2.json");
        e["rawPath"] = rawPath;
        e["rawQueryString"] = rawQuery;
        e["requestContext"]!["http"]!["method"] = method;
        return e;
    }

    private async Task<JsonElement> InvokeAsync(JsonNode e, string? traceId = null, TimeSpan? timeLimit = null)
    {
        var result = await echo.Runtime.InvokeAsync(e.ToJsonString(), traceId, timeLimit);
        Assert.False(result.IsError, result.ToString());
        return result.Json;
    }

    private static JsonElement Body(JsonElement response) =>
        JsonDocument.Parse(BodyBytes(response)).RootElement.Clone();

    private static byte[] BodyBytes(JsonElement response) => response.GetProperty("isBase64Encoded").GetBoolean()
        ? Convert.FromBase64String(response.GetProperty("body").GetString()!)
        : Encoding.UTF8.GetBytes(response.GetProperty("body").GetString()!);

    private static string[] Strings(JsonElement array) => array.EnumerateArray().Select(v => v.GetString()!).ToArray();

    [Fact]
    public async Task Rest_query_values_arrive_decoded_and_are_read_back_exactly_once_decoded()
    {
        // #415, #482, #720: double-encoded values, and '+' turned into a space.
        var e = V1("/echo/q");
        e["multiValueQueryStringParameters"] = new JsonObject
        {
            ["q"] = new JsonArray("a+b c", "100%"),
            ["tag"] = new JsonArray("x&y=z"),
            ["emoji"] = new JsonArray("é👋"),
        };
        e["queryStringParameters"] = new JsonObject { ["q"] = "100%", ["tag"] = "x&y=z", ["emoji"] = "é👋" };
        var query = Body(await InvokeAsync(e)).GetProperty("query");
        Assert.Equal(["a+b c", "100%"], Strings(query.GetProperty("q")));
        Assert.Equal(["x&y=z"], Strings(query.GetProperty("tag")));
        Assert.Equal(["é👋"], Strings(query.GetProperty("emoji")));
    }

    [Fact]
    public async Task Http_api_raw_query_strings_are_used_as_sent()
    {
        var query = Body(await InvokeAsync(V2("/echo/q", "q=a%2Bb+c&q=100%25&tag=x%26y%3Dz&emoji=%C3%A9"))).GetProperty("query");
        Assert.Equal(["a+b c", "100%"], Strings(query.GetProperty("q")));
        Assert.Equal(["x&y=z"], Strings(query.GetProperty("tag")));
        Assert.Equal(["é"], Strings(query.GetProperty("emoji")));
    }

    [Fact]
    public async Task Encoded_characters_in_rest_paths_are_decoded_as_kestrel_does()
    {
        // #237 ('+' is not a space in a path), #386 (%20 reached the app still encoded).
        var body = Body(await InvokeAsync(V1("/echo/a%20b/c+d/e%2Ff/%C3%A9")));
        Assert.Equal("/echo/a b/c+d/e%2Ff/é", body.GetProperty("path").GetString());
        Assert.Equal("/echo/a%20b/c+d/e%2Ff/%C3%A9", body.GetProperty("raw_target").GetString());
    }

    [Fact]
    public async Task Http_api_paths_arrive_decoded_and_lose_their_stage()
    {
        var body = Body(await InvokeAsync(V2("/dev/echo/a b/c+d/é")));
        Assert.Equal("/echo/a b/c+d/é", body.GetProperty("path").GetString());

        var defaultStage = V2("/echo/dev/x");
        defaultStage["requestContext"]!["stage"] = "$default";
        Assert.Equal("/echo/dev/x", Body(await InvokeAsync(defaultStage)).GetProperty("path").GetString());
    }

    [Fact]
    public async Task The_stage_stays_out_of_routing_and_links()
    {
        // #630, #632: REST events carry the stage in requestContext.path only.
        foreach (var e in new[] { V1("/echo/x"), V2("/dev/echo/x") })
        {
            var body = Body(await InvokeAsync(e));
            Assert.Equal("/echo/x", body.GetProperty("path").GetString());
            Assert.Equal("", body.GetProperty("path_base").GetString());
            Assert.Equal("/things/7", body.GetProperty("link").GetString());
            Assert.Equal("https", body.GetProperty("scheme").GetString());
        }

        var created = await InvokeAsync(V1("/things/3"));
        Assert.Equal(["/things/3"], Strings(created.GetProperty("multiValueHeaders").GetProperty("Location")));
    }

    [Fact]
    public async Task Base64_request_bodies_reach_the_app_byte_for_byte_and_binary_responses_go_back_base64()
    {
        // #1419, #635: binary bodies corrupted by a text round trip.
        var bytes = Enumerable.Range(0, 256).Select(i => (byte)i).ToArray();
        foreach (var e in new[] { V1("/bytes", "POST"), V2("/dev/bytes", method: "POST") })
        {
            e["body"] = Convert.ToBase64String(bytes);
            e["isBase64Encoded"] = true;
            var response = await InvokeAsync(e);
            Assert.True(response.GetProperty("isBase64Encoded").GetBoolean());
            Assert.Equal(bytes, BodyBytes(response));
        }

        var png = await InvokeAsync(V1("/png"));
        Assert.True(png.GetProperty("isBase64Encoded").GetBoolean());
        Assert.Equal(EchoLambdaApp.Png, BodyBytes(png));

        var json = await InvokeAsync(V1("/echo/x"));
        Assert.False(json.GetProperty("isBase64Encoded").GetBoolean());
    }

    [Fact]
    public async Task Text_bodies_go_back_without_html_or_non_ascii_escapes()
    {
        // API Gateway reads the document, no browser does: a body's quotes, markup and non-ASCII
        // text go as they are, not as \u0022 or six-byte escapes that count against Lambda's 6 MB.
        var result = await echo.Runtime.InvokeAsync(V1("/greeting").ToJsonString());
        Assert.False(result.IsError, result.ToString());
        Assert.Contains("\"body\":\"こんにちは、\\\"世界\\\" <b>&</b>\"", Encoding.UTF8.GetString(result.Body), StringComparison.Ordinal);
        Assert.Equal(EchoLambdaApp.Greeting, Encoding.UTF8.GetString(BodyBytes(result.Json)));
    }

    [Fact]
    public async Task Each_set_cookie_stays_separate()
    {
        // #224, #713: several Set-Cookie headers collapsed into one.
        var v1 = await InvokeAsync(V1("/cookies"));
        var cookies = Strings(v1.GetProperty("multiValueHeaders").GetProperty("Set-Cookie"));
        Assert.Equal(2, cookies.Length);
        Assert.StartsWith("session=abc", cookies[0], StringComparison.Ordinal);
        Assert.Contains("expires=Tue, 01 Jan 2030", cookies[1], StringComparison.Ordinal);

        var v2 = await InvokeAsync(V2("/dev/cookies"));
        Assert.Equal(cookies, Strings(v2.GetProperty("cookies")));
        Assert.False(v2.GetProperty("headers").TryGetProperty("Set-Cookie", out _));
    }

    [Fact]
    public async Task Http_api_cookies_and_comma_joined_headers_arrive_intact()
    {
        var e = V2("/dev/echo/h");
        e["cookies"] = new JsonArray("session=abc", "theme=dark");
        e["headers"]!["user-agent"] = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko)";
        e["headers"]!["date"] = "Tue, 15 Nov 1994 08:12:31 GMT";
        e["headers"]!["x-repeated"] = "one,two";
        var body = Body(await InvokeAsync(e));
        Assert.Equal("abc", body.GetProperty("cookies").GetProperty("session").GetString());
        Assert.Equal("dark", body.GetProperty("cookies").GetProperty("theme").GetString());
        Assert.Equal(["Tue, 15 Nov 1994 08:12:31 GMT"], Strings(body.GetProperty("headers").GetProperty("date")));
        Assert.Equal(["Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko)"], Strings(body.GetProperty("headers").GetProperty("user-agent")));
        Assert.Equal(["one,two"], Strings(body.GetProperty("headers").GetProperty("x-repeated")));
    }

    [Fact]
    public async Task Rest_multi_value_headers_keep_every_value_and_the_caller_address_comes_from_the_event()
    {
        var e = V1("/echo/h");
        e["multiValueHeaders"]!["X-Repeated"] = new JsonArray("one", "two");
        e["headers"]!["X-Repeated"] = "two";
        e["requestContext"]!["identity"]!["sourceIp"] = "192.0.2.44";
        var body = Body(await InvokeAsync(e));
        Assert.Equal(["one", "two"], Strings(body.GetProperty("headers").GetProperty("x-repeated")));
        Assert.Equal("192.0.2.44", body.GetProperty("remote_ip").GetString());
        Assert.Equal("1234567890.execute-api.us-east-1.amazonaws.com", body.GetProperty("host").GetString());

        var v2 = V2("/dev/echo/h");
        v2["requestContext"]!["http"]!["sourceIp"] = "2001:db8::1";
        Assert.Equal("2001:db8::1", Body(await InvokeAsync(v2)).GetProperty("remote_ip").GetString());
    }

    [Fact]
    public async Task A_body_over_64_KiB_is_a_413_whatever_the_event_says_about_its_length()
    {
        var e = V1("/bytes", "POST");
        e["body"] = Convert.ToBase64String(new byte[70_000]);
        e["isBase64Encoded"] = true;
        e["headers"] = new JsonObject { ["Content-Type"] = "application/octet-stream", ["Content-Length"] = "10" };
        e["multiValueHeaders"] = null;
        var response = await InvokeAsync(e);
        Assert.Equal(413, response.GetProperty("statusCode").GetInt32());
        Assert.Equal(413, Body(response).GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task A_response_over_lambdas_6_MB_is_a_clear_500_problem()
    {
        var response = await InvokeAsync(V1("/huge"));
        Assert.Equal(500, response.GetProperty("statusCode").GetInt32());
        Assert.Equal(["application/problem+json"], Strings(response.GetProperty("multiValueHeaders").GetProperty("Content-Type")));
        Assert.Contains("6 MB", Body(response).GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Exceptions_are_500_problems_without_their_details_and_the_loop_goes_on()
    {
        foreach (var path in new[] { "/throws", "/throws-after-start" })
        {
            var response = await InvokeAsync(V1(path));
            Assert.Equal(500, response.GetProperty("statusCode").GetInt32());
            var problem = Body(response);
            Assert.Equal("https://social-media-api.dev/problems/internal", problem.GetProperty("type").GetString());
            Assert.DoesNotContain("hunter2", problem.ToString(), StringComparison.Ordinal);
            Assert.DoesNotContain("partial", problem.ToString(), StringComparison.Ordinal);
        }

        Assert.Equal(200, (await InvokeAsync(V1("/echo/after"))).GetProperty("statusCode").GetInt32());
    }

    [Fact]
    public async Task The_deadline_cancels_the_request_and_is_answered_before_lambda_would_kill_it()
    {
        var response = await InvokeAsync(V1("/slow"), timeLimit: TimeSpan.FromSeconds(2));
        Assert.Equal(503, response.GetProperty("statusCode").GetInt32());
        Assert.Equal("https://social-media-api.dev/problems/unavailable", Body(response).GetProperty("type").GetString());
    }
}
