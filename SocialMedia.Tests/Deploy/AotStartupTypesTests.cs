using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Xml;
using System.Xml.Linq;
using SocialMedia.Tests.Infrastructure;
using SocialMedia.Tests.Lambda.Support;

namespace SocialMedia.Tests.Deploy;

/// <summary>
/// The Native AOT package starts from SocialMedia.Api/Properties/AotStartupTypes.rd.xml: every
/// generic type the container closes at start and on each endpoint's first request, compiled ahead
/// so that the run-time type loader does not build them one by one (docs/lambda.md). A type missing
/// from the list still works, only slower, so nothing else would notice: this test runs the JIT
/// build as Kestrel, as a Lambda function and as the authorizer, with a startup hook
/// (tools/AotStartupTypes) that records what the container closes, and fails on what the list lacks
/// and on what it names that no longer exists (which would fail the publish, and only the publish).
/// <c>UPDATE_AOT_STARTUP_TYPES=1</c> rewrites the list from the run.
/// </summary>
/// <remarks>The JIT build only: a startup hook needs the runtime's loader, so CI's Native AOT pass leaves it out.</remarks>
[Trait(TestHost.Trait, TestHost.InProcessOnly)]
public sealed class AotStartupTypesTests
{
    private const string UpdateVariable = "UPDATE_AOT_STARTUP_TYPES";
    private const string OutputVariable = "AOT_STARTUP_TYPES_OUT";
    private const string ListVariable = "AOT_STARTUP_TYPES_LIST";
    private const string VanishedPrefix = "!vanished ";
    private static readonly XNamespace s_rd = "http://schemas.microsoft.com/netfx/2013/01/metadata";
    private static readonly string s_list = Path.Combine(TestInfrastructure.RepositoryRoot, "SocialMedia.Api", "Properties", "AotStartupTypes.rd.xml");

    [Fact]
    public async Task The_native_builds_list_of_startup_types_has_every_type_the_container_closes()
    {
        Assert.True(File.Exists(Path.Combine(ApiProcess.Directory, "SocialMedia.Api.dll")), $"A startup hook needs the JIT build; {ApiProcess.Directory} holds another.");

        // One process each, as deployed (telemetry exported over OTLP/HTTP, logs not), each with a
        // type it must close, so that a process that recorded nothing cannot pass unnoticed.
        await using var otlp = await OtlpReceiver.StartAsync();
        Dictionary<string, string?> telemetry = new()
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = otlp.Endpoint,
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_LOGS_EXPORTER"] = "none",
        };
        var kestrel = Record("Kestrel", "Microsoft.Extensions.Logging.Logger`1[[Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServer, ");
        var function = Record("Lambda function", "Microsoft.Extensions.Logging.Logger`1[[SocialMedia.Hosting.Lambda.Runtime.LambdaInvocationLoop, ");
        var authorizer = Record("Lambda authorizer", "Microsoft.Extensions.Logging.Logger`1[[SocialMedia.Api.Features.Auth.LambdaAuthorizer, ");
        Recording[] recordings = [kestrel, function, authorizer];
        try
        {
            await DriveKestrelAsync(new Dictionary<string, string?>(telemetry).With(kestrel.Environment));
            await DriveLambdaAsync(new Dictionary<string, string?>(telemetry).With(function.Environment), new Dictionary<string, string?>(telemetry).With(authorizer.Environment));

            // The hook also checks the list's entries in the API's own process (its dependencies are
            // the ones the compiler builds against): "!vanished" lines, which a rewrite clears.
            var updating = Environment.GetEnvironmentVariable(UpdateVariable) == "1";
            var seen = new SortedSet<string>(StringComparer.Ordinal);
            foreach (var recording in recordings)
            {
                var lines = recording.Lines();
                Assert.True(lines.Any(line => line.StartsWith(recording.Marker, StringComparison.Ordinal)), $"The {recording.Process} recorded nothing of its own ({recording.Marker}…): {lines.Length} line(s).");
                var problems = lines.Where(line => line.StartsWith('!') && !(updating && line.StartsWith(VanishedPrefix, StringComparison.Ordinal))).ToList();
                Assert.True(
                    problems.Count == 0,
                    $"In the {recording.Process}, the hook found problems (a vanished entry would fail the Native AOT publish; " +
                    $"rewrite the list with {UpdateVariable}=1 dotnet test --filter FullyQualifiedName~{nameof(AotStartupTypesTests)}):\n{string.Join('\n', problems)}");
                seen.UnionWith(lines.Where(line => !line.StartsWith('!')));
            }

            if (updating)
            {
                Write(seen);
            }

            var listed = Read();
            var missing = seen.Except(listed).ToList();
            Assert.True(
                missing.Count == 0,
                $"{s_list} lacks {missing.Count} type(s) the container closes; the Native AOT package builds them at run time, one by one, on every cold start. " +
                $"Rewrite the list with {UpdateVariable}=1 dotnet test --filter FullyQualifiedName~{nameof(AotStartupTypesTests)}:\n{string.Join('\n', missing)}");
        }
        finally
        {
            foreach (var recording in recordings)
            {
                File.Delete(recording.Output);
            }
        }
    }

    private static Recording Record(string process, string marker) =>
        new(process, marker, Path.Combine(Path.GetTempPath(), $"aot-startup-types-{Guid.NewGuid():N}.txt"));

    private static async Task DriveKestrelAsync(Dictionary<string, string?> extra)
    {
        var s3 = await TestInfrastructure.GetS3Async();
        var database = await (await TestInfrastructure.GetPostgresAsync()).CreateDatabaseAsync();
        var environment = ApiSettings.AsEnvironment(ApiSettings.For(database, s3, "aot-" + Guid.NewGuid().ToString("N")[..20]))
            .With([
                new("ASPNETCORE_ENVIRONMENT", "Production"),
                new("ASPNETCORE_URLS", "http://127.0.0.1:0"),
                new("Storage__CreateBucketOnStartup", "true"),
            ])
            .With(extra);
        await using var api = ApiProcess.Start(environment);
        using var client = new HttpClient { BaseAddress = await api.Listening.WaitAsync(TimeSpan.FromSeconds(90)) };
        await UseEveryEndpointAsync(client);
    }

    private static async Task DriveLambdaAsync(Dictionary<string, string?> functionExtra, Dictionary<string, string?> authorizerExtra)
    {
        var function = new HookedFunction(functionExtra);
        try
        {
            await function.InitializeAsync();
            using var client = function.CreateClient(PayloadVersion.RestV1);
            var token = await UseEveryEndpointAsync(client);

            await using var authorizerRuntime = await LambdaRuntimeEmulator.StartAsync();
            var environment = function.Environment().With(authorizerExtra);
            environment["AWS_LAMBDA_RUNTIME_API"] = authorizerRuntime.RuntimeApi;
            environment["_HANDLER"] = "authorizer";
            await using var authorizer = ApiProcess.Start(environment);
            var tokenEvent = ApiGatewayClientHandler.Template("authorizer-token.json");
            tokenEvent["authorizationToken"] = "Bearer " + token;
            tokenEvent["methodArn"] = "arn:aws:execute-api:us-east-1:123456789012:abcdef1234/prod/GET/api/v1/posts";
            var allowed = await authorizerRuntime.InvokeAsync(tokenEvent.ToJsonString(), timeLimit: TimeSpan.FromMinutes(1));
            Assert.False(allowed.IsError, $"{allowed}\n{authorizer.Output}");
        }
        finally
        {
            await function.DisposeAsync();
        }
    }

    /// <summary>Each endpoint once, as a user would first reach it; returns a live token.</summary>
    private static async Task<string> UseEveryEndpointAsync(HttpClient client)
    {
        await Expect(client.GetAsync("/alive"), HttpStatusCode.OK);
        await Expect(client.GetAsync("/health"), HttpStatusCode.OK);
        var author = await client.RegisterAsync();
        using var login = await client.PostAsJsonAsync("/api/v1/auth/login", new { email = author.Email, password = author.Password });
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        client.DefaultRequestHeaders.Authorization = new("Bearer", author.Token);

        await Expect(client.GetAsync("/api/v1/auth/me"), HttpStatusCode.OK);
        await Expect(client.PostAsJsonAsync("/api/v1/posts/upload-url", new { content_type = "image/png", content_length = 1024 }), HttpStatusCode.Created);
        await Expect(client.PostAsJsonAsync("/api/v1/posts", new { content = "" }), HttpStatusCode.UnprocessableEntity);
        var post = (await client.CreatePostAsync("first")).GetProperty("id").GetGuid();
        await Expect(client.GetAsync("/api/v1/posts?limit=20"), HttpStatusCode.OK);
        await Expect(client.GetAsync($"/api/v1/posts/{post}"), HttpStatusCode.OK);
        await Expect(client.PutAsJsonAsync($"/api/v1/posts/{post}", new { content = "edited" }), HttpStatusCode.OK);
        await Expect(client.PostAsync($"/api/v1/posts/{post}/likes", null), HttpStatusCode.Created);
        await Expect(client.GetAsync($"/api/v1/posts/{post}/likes"), HttpStatusCode.OK);
        await Expect(client.DeleteAsync($"/api/v1/posts/{post}/likes"), HttpStatusCode.OK);
        using var commented = await client.PostAsJsonAsync($"/api/v1/posts/{post}/comments", new { content = "a comment" });
        var body = await commented.ReadJsonAsync();
        Assert.True(commented.StatusCode == HttpStatusCode.Created, body.ToString());
        var comment = body.GetProperty("id").GetGuid();
        await Expect(client.GetAsync($"/api/v1/posts/{post}/comments"), HttpStatusCode.OK);
        await Expect(client.DeleteAsync($"/api/v1/comments/{comment}"), HttpStatusCode.NoContent);
        await Expect(client.DeleteAsync($"/api/v1/posts/{post}"), HttpStatusCode.NoContent);
        await Expect(client.GetAsync($"/api/v1/posts/{Guid.NewGuid()}"), HttpStatusCode.NotFound);

        var reader = await client.RegisterAsync();
        client.DefaultRequestHeaders.Authorization = new("Bearer", reader.Token);
        await Expect(client.DeleteAsync("/api/v1/auth/logout"), HttpStatusCode.NoContent);
        await Expect(client.GetAsync("/api/v1/auth/me"), HttpStatusCode.Unauthorized);
        client.DefaultRequestHeaders.Authorization = null;
        return author.Token;
    }

    private static async Task Expect(Task<HttpResponseMessage> request, HttpStatusCode status)
    {
        using var response = await request;
        Assert.True(response.StatusCode == status, $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    private static string HookAssembly()
    {
        // Built with the tests, as a project reference whose assembly they do not reference.
        var path = Path.Combine(TestInfrastructure.BuildOutput(Path.Combine("tools", "AotStartupTypes")), "AotStartupTypes.dll");
        return File.Exists(path) ? path : throw new InvalidOperationException($"{path} not found; build the solution first.");
    }

    /// <summary>The list's entries as the hook writes them: <c>Type.Name[[Argument, Assembly]], Assembly</c>.</summary>
    private static HashSet<string> Read() =>
        XDocument.Load(s_list).Descendants(s_rd + "Assembly")
            .SelectMany(assembly => assembly.Elements(s_rd + "Type").Select(type => $"{type.Attribute("Name")!.Value}, {assembly.Attribute("Name")!.Value}"))
            .ToHashSet(StringComparer.Ordinal);

    private static void Write(IEnumerable<string> types)
    {
        var comment = XDocument.Load(s_list).Nodes().OfType<XComment>().FirstOrDefault()
            ?? throw new InvalidOperationException($"{s_list} has lost its opening comment; restore it from git before rewriting the list.");
        var assemblies = types
            .Select(type => (Name: type[..type.LastIndexOf(", ", StringComparison.Ordinal)], Assembly: type[(type.LastIndexOf(", ", StringComparison.Ordinal) + 2)..]))
            .GroupBy(type => type.Assembly, StringComparer.Ordinal)
            .OrderBy(group => group.Key, StringComparer.Ordinal)
            .Select(group => new XElement(
                s_rd + "Assembly",
                new XAttribute("Name", group.Key),
                group.OrderBy(type => type.Name, StringComparer.Ordinal).Select(type => new XElement(s_rd + "Type", new XAttribute("Name", type.Name), new XAttribute("Dynamic", "Required All")))));
        var settings = new XmlWriterSettings { Encoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), Indent = true, NewLineChars = "\n" };
        using (var writer = XmlWriter.Create(s_list, settings))
        {
            new XDocument(comment, new XElement(s_rd + "Directives", new XElement(s_rd + "Application", assemblies))).Save(writer);
        }

        File.AppendAllText(s_list, "\n");
    }

    /// <summary>A function on its own database and bucket, with the recording hook in its environment.</summary>
    private sealed class HookedFunction(Dictionary<string, string?> extra) : LambdaFunctionFixture
    {
        protected override IEnumerable<KeyValuePair<string, string?>> ExtraEnvironment => extra;
    }

    /// <summary>One process's recording: its own output file, and a type it must close.</summary>
    private sealed record Recording(string Process, string Marker, string Output)
    {
        public Dictionary<string, string?> Environment => new()
        {
            ["DOTNET_STARTUP_HOOKS"] = HookAssembly(),
            [OutputVariable] = Output,
            [ListVariable] = s_list,
        };

        public string[] Lines() => File.Exists(Output) ? File.ReadAllLines(Output) : [];
    }
}
