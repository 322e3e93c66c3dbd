using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;
using SocialMedia.Api.Common;
using SocialMedia.Api.Features.Auth;
using SocialMedia.Tests.Infrastructure;

namespace SocialMedia.Tests.Deploy;

/// <summary>
/// deploy/ must not drift from the code: API Gateway is built from deploy/terraform/routes.json and
/// the functions from deploy/lambroll/*/function.json, so both are held here to the API's own
/// route table (the endpoints the real app maps, with their function group and authorization).
/// </summary>
public sealed partial class DeployConsistencyTests(DeployConsistencyTests.ApiRoutes api) : IClassFixture<DeployConsistencyTests.ApiRoutes>
{
    private const string ApiPrefix = "/api/v1";
    private const string AuthRequired = "required";
    private const string AuthNone = "none";

    private static readonly string s_deploy = Path.Combine(TestInfrastructure.RepositoryRoot, "deploy");
    private static readonly string s_terraform = Path.Combine(s_deploy, "terraform");
    private static readonly string s_lambroll = Path.Combine(s_deploy, "lambroll");

    /// <summary>The four API functions (one per group) and the authorizer: the design's five.</summary>
    private static readonly string[] s_requiredFunctions = [.. FunctionGroup.Names, "authorizer"];

    [Fact]
    public void Every_api_endpoint_is_a_gateway_route_to_its_function_with_its_auth_requirement()
    {
        var gateway = GatewayRoutes().ToDictionary(r => r.Key);
        var problems = new List<string>();
        foreach (var endpoint in api.Endpoints.Where(e => e.Path.StartsWith(ApiPrefix, StringComparison.Ordinal)))
        {
            foreach (var method in endpoint.Methods)
            {
                var key = $"{method} {endpoint.Path}";
                if (!gateway.TryGetValue(key, out var route))
                {
                    problems.Add($"{key} is served by the API but missing from routes.json (function_group \"{endpoint.Group}\", auth \"{endpoint.Auth}\").");
                    continue;
                }

                if (route.FunctionGroup != endpoint.Group)
                {
                    problems.Add($"{key}: routes.json sends it to \"{route.FunctionGroup}\", the API maps it in function group \"{endpoint.Group}\".");
                }

                if (route.Auth != endpoint.Auth)
                {
                    problems.Add($"{key}: routes.json says auth \"{route.Auth}\", the API's authorization makes it \"{endpoint.Auth}\".");
                }
            }
        }

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
        Assert.Contains(api.Endpoints, e => e.Path.StartsWith(ApiPrefix, StringComparison.Ordinal));
    }

    [Fact]
    public void The_gateway_routes_nothing_the_api_does_not_serve()
    {
        var problems = new List<string>();
        foreach (var route in GatewayRoutes())
        {
            var endpoint = api.Endpoints.FirstOrDefault(e => e.Path == route.Path && e.Accepts(route.Method));
            if (endpoint is null)
            {
                problems.Add($"{route.Key} is in routes.json but the API maps no such endpoint.");
                continue;
            }

            // Routes outside /api/v1 (/health) belong to no group in the API: any function serves
            // them, and routes.json picks one. Inside, the API decides.
            if (endpoint.Group is not null && route.FunctionGroup != endpoint.Group)
            {
                problems.Add($"{route.Key}: routes.json sends it to \"{route.FunctionGroup}\", the API maps it in \"{endpoint.Group}\".");
            }

            if (route.Auth != endpoint.Auth)
            {
                problems.Add($"{route.Key}: routes.json says auth \"{route.Auth}\", the API makes it \"{endpoint.Auth}\".");
            }
        }

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [Fact]
    public void Gateway_routes_are_unique_and_fit_api_gateways_resource_tree()
    {
        var routes = GatewayRoutes();

        var duplicates = routes.GroupBy(r => r.Key).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.True(duplicates.Count == 0, "Listed twice in routes.json: " + string.Join(", ", duplicates));

        Assert.All(routes, r => Assert.Contains(r.Auth, new[] { AuthRequired, AuthNone }));
        Assert.All(routes, r => Assert.Contains(r.FunctionGroup, FunctionGroup.Names));

        // The api-gateway module names every path parameter {id} (API Gateway allows one variable
        // name per tree position) and gives each path an ANY method to one function: both hold only
        // with one parameter per route and one function per path.
        Assert.All(routes, r => Assert.True(r.Path.Count(c => c == '{') <= 1, $"{r.Key}: more than one path parameter."));
        var shared = routes.GroupBy(r => r.Path).Where(g => g.Select(r => r.FunctionGroup).Distinct().Count() > 1).Select(g => g.Key).ToList();
        Assert.True(shared.Count == 0, "Paths split between function groups: " + string.Join(", ", shared));
    }

    [Fact]
    public void Each_function_group_has_a_lambroll_function_serving_exactly_that_group()
    {
        var functions = LambrollFunctions();
        Assert.All(s_requiredFunctions, name => Assert.True(functions.ContainsKey(name), $"deploy/lambroll/{name}/function.json is missing."));

        foreach (var group in FunctionGroup.Names)
        {
            var function = functions[group];
            Assert.Equal("api", function.Handler);
            Assert.Equal(group, function.FunctionGroup);
        }

        var groupsRouted = GatewayRoutes().Select(r => r.FunctionGroup).Distinct();
        Assert.All(groupsRouted, group => Assert.Contains(functions.Values, f => f.FunctionGroup == group && f.Handler == "api"));
    }

    [Fact]
    public void The_authorizer_function_runs_the_authorizer_handler_and_serves_no_routes()
    {
        var authorizer = LambrollFunctions()["authorizer"];

        Assert.Equal("authorizer", authorizer.Handler);
        Assert.Null(authorizer.FunctionGroup);
    }

    [Fact]
    public void Every_function_runs_the_collector_with_the_shipped_configuration()
    {
        var collector = File.ReadAllText(Path.Combine(s_deploy, "collector.yaml"));
        Assert.Matches(@"(?s)traces:\s*\n\s*receivers: \[otlp\]\s*\n\s*exporters: \[awsxray\]", collector);
        Assert.Matches(@"(?s)metrics:\s*\n\s*receivers: \[otlp\]\s*\n\s*exporters: \[awsemf\]", collector);
        Assert.Contains("cp \"$root/deploy/collector.yaml\" \"$publish/collector.yaml\"", File.ReadAllText(Path.Combine(s_deploy, "package.sh")), StringComparison.Ordinal);
        Assert.All(LambrollFunctions().Values, f =>
        {
            var variables = f.Json.GetProperty("Environment").GetProperty("Variables");
            Assert.Equal("/var/task/collector.yaml", variables.GetProperty("OPENTELEMETRY_COLLECTOR_CONFIG_URI").GetString());
            Assert.Equal("none", variables.GetProperty("OTEL_LOGS_EXPORTER").GetString());
        });
    }

    [Fact]
    public void The_migrate_function_runs_the_migrate_handler_and_is_given_no_signing_key()
    {
        var migrate = LambrollFunctions()["migrate"];
        var variables = migrate.Json.GetProperty("Environment").GetProperty("Variables");

        Assert.Equal(SocialMedia.Api.Database.MigrationHandler.HandlerName, migrate.Handler);
        Assert.Null(migrate.FunctionGroup);
        Assert.False(variables.TryGetProperty("Jwt__SecretArn", out _), "migrate never signs or reads a token: it gets no key");
        Assert.DoesNotContain(variables.EnumerateObject(), v => v.Name.StartsWith("Database__MigrateOnStartup", StringComparison.Ordinal));
    }

    [Fact]
    public void Only_migrate_connects_as_the_master_user_and_the_rest_as_the_dml_only_role()
    {
        foreach (var function in LambrollFunctions().Values)
        {
            var variables = function.Json.GetProperty("Environment").GetProperty("Variables");
            var credentials = variables.GetProperty("Database__CredentialsSecretArn").GetString();
            if (function.Name == "migrate")
            {
                Assert.Contains("settings.database_secret_arn", credentials, StringComparison.Ordinal);
                Assert.Contains("settings.app_database_secret_arn", variables.GetProperty("Database__AppCredentialsSecretArn").GetString(), StringComparison.Ordinal);
            }
            else
            {
                Assert.Contains("settings.app_database_secret_arn", credentials, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public void Every_function_group_named_in_deploy_exists_in_the_code()
    {
        var known = FunctionGroup.Names.Append(FunctionGroup.All).ToHashSet();
        Assert.All(LambrollFunctions().Values.Where(f => f.FunctionGroup is not null), f =>
            Assert.True(known.Contains(f.FunctionGroup!), $"deploy/lambroll/{f.Name}: FUNCTION_GROUP \"{f.FunctionGroup}\" is not a group of the API."));
        Assert.All(LambrollFunctions().Values, f => Assert.Contains(f.Handler, new[] { "api", "authorizer", "migrate" }));

        // Terraform names the functions, roles and integrations after its own list of groups.
        var main = File.ReadAllText(Path.Combine(s_terraform, "main.tf"));
        var match = TerraformApiGroups().Match(main);
        Assert.True(match.Success, "deploy/terraform/main.tf has no `api_groups = [...]` local.");
        var terraformGroups = QuotedWord().Matches(match.Groups[1].Value).Select(m => m.Groups[1].Value).Order().ToList();
        Assert.Equal(FunctionGroup.Names.Order().ToList(), terraformGroups);
    }

    [Fact]
    public void Lambroll_functions_run_the_custom_runtime_traced_and_without_secret_values()
    {
        foreach (var function in LambrollFunctions().Values)
        {
            var json = function.Json;
            var where = $"deploy/lambroll/{function.Name}/function.json";
            Assert.True(json.GetProperty("Runtime").GetString() == "provided.al2023", $"{where}: Runtime must be provided.al2023 (bootstrap at the zip root).");
            Assert.True(json.GetProperty("TracingConfig").GetProperty("Mode").GetString() == "Active", $"{where}: TracingConfig.Mode must be Active.");
            Assert.True(
                json.GetProperty("Layers").EnumerateArray().Any(l => l.GetString()!.Contains("adot_collector", StringComparison.Ordinal)),
                $"{where}: the ADOT collector layer is missing (spans go to X-Ray through it).");

            foreach (var variable in json.GetProperty("Environment").GetProperty("Variables").EnumerateObject())
            {
                // Secrets travel as ARNs the function resolves at cold start, never as values.
                var name = variable.Name;
                var holdsSecret = name.EndsWith("Secret", StringComparison.OrdinalIgnoreCase)
                    || name.Contains("Password", StringComparison.OrdinalIgnoreCase)
                    || (name.StartsWith("ConnectionStrings__", StringComparison.Ordinal) && variable.Value.GetString()!.Contains("Password", StringComparison.OrdinalIgnoreCase));
                Assert.False(holdsSecret, $"{where}: {name} would put a secret in a plain environment variable.");
            }
        }
    }

    [Fact]
    public void Lambroll_reads_only_what_terraform_outputs_and_each_function_its_own_entry()
    {
        var outputs = TerraformOutput().Matches(File.ReadAllText(Path.Combine(s_terraform, "outputs.tf"))).Select(m => m.Groups[1].Value).ToHashSet();
        foreach (var function in LambrollFunctions().Values)
        {
            foreach (Match reference in TfstateReference().Matches(function.Text))
            {
                var address = reference.Groups[1].Value;
                var where = $"deploy/lambroll/{function.Name}/function.json";
                Assert.True(address.StartsWith("output.", StringComparison.Ordinal), $"{where}: reads {address}; read Terraform outputs only, they are the interface.");
                var output = address.Split('.')[1];
                Assert.True(outputs.Contains(output), $"{where}: reads {address} but deploy/terraform/outputs.tf has no output \"{output}\".");

                // A copied file that still reads another function's name or role deploys over it.
                if (OwnFunctionEntry().Match(address) is { Success: true } entry)
                {
                    Assert.True(entry.Groups[1].Value == function.Name, $"{where}: reads {address}, another function's entry.");
                }
            }
        }
    }

    private static List<GatewayRoute> GatewayRoutes()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(s_terraform, "routes.json")));
        return document.RootElement.GetProperty("routes").EnumerateArray()
            .Select(r => new GatewayRoute(
                r.GetProperty("method").GetString()!.ToUpperInvariant(),
                r.GetProperty("path").GetString()!,
                r.GetProperty("function_group").GetString()!,
                r.GetProperty("auth").GetString()!))
            .ToList();
    }

    /// <summary>
    /// The function files are plain JSON whose lambroll template expressions
    /// (<c>{{ tfstate `...` }}</c>) sit inside string values, so a JSON parser reads them as they are.
    /// </summary>
    private static Dictionary<string, LambrollFunction> LambrollFunctions() =>
        Directory.GetDirectories(s_lambroll)
            .Select(dir => (Name: Path.GetFileName(dir), File: Path.Combine(dir, "function.json")))
            .Where(f => File.Exists(f.File))
            .ToDictionary(f => f.Name, f =>
            {
                var text = File.ReadAllText(f.File);
                JsonElement json;
                try
                {
                    json = JsonDocument.Parse(text).RootElement.Clone();
                }
                catch (JsonException e)
                {
                    throw new InvalidOperationException($"deploy/lambroll/{f.Name}/function.json is not valid JSON: {e.Message}", e);
                }

                var variables = json.GetProperty("Environment").GetProperty("Variables");
                var group = variables.TryGetProperty("FUNCTION_GROUP", out var g) ? g.GetString() : null;
                return new LambrollFunction(f.Name, json.GetProperty("Handler").GetString()!, group, json, text);
            });

    [GeneratedRegex(@"api_groups\s*=\s*\[([^\]]*)\]")]
    private static partial Regex TerraformApiGroups();

    [GeneratedRegex("\"([^\"]+)\"")]
    private static partial Regex QuotedWord();

    [GeneratedRegex("(?m)^output\\s+\"([^\"]+)\"")]
    private static partial Regex TerraformOutput();

    [GeneratedRegex(@"\{\{\s*tfstate\s+`([^`]+)`\s*\}\}")]
    private static partial Regex TfstateReference();

    [GeneratedRegex(@"^output\.lambda\.functions\.([a-z]+)\.")]
    private static partial Regex OwnFunctionEntry();

    private sealed record GatewayRoute(string Method, string Path, string FunctionGroup, string Auth)
    {
        public string Key => $"{Method} {Path}";
    }

    private sealed record LambrollFunction(string Name, string Handler, string? FunctionGroup, JsonElement Json, string Text);

    /// <summary>One endpoint of the API as the gateway sees it: path without constraints, methods, group, auth.</summary>
    public sealed record ApiEndpoint(string Path, IReadOnlyList<string> Methods, string? Group, string Auth)
    {
        /// <summary>No method metadata (MapHealthChecks) means every method.</summary>
        public bool AnyMethod => Methods.Count == 0;

        public bool Accepts(string method) => AnyMethod || Methods.Contains(method);
    }

    /// <summary>
    /// The real API, built as in production (no database is touched: nothing migrates, nothing
    /// connects), and its route table read from the endpoint data source.
    /// </summary>
    public sealed class ApiRoutes : IDisposable
    {
        private readonly Factory _factory = new();

        public ApiRoutes()
        {
            Endpoints = _factory.Services.GetRequiredService<EndpointDataSource>().Endpoints
                .OfType<RouteEndpoint>()
                .Select(e => new ApiEndpoint(
                    NormalisedPath(e.RoutePattern),
                    e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods.Select(m => m.ToUpperInvariant()).ToList() ?? [],
                    e.Metadata.GetMetadata<FunctionGroup>()?.Name,
                    AuthOf(e)))
                .ToList();
        }

        public IReadOnlyList<ApiEndpoint> Endpoints { get; }

        public void Dispose() => _factory.Dispose();

        /// <summary>/api/v1/posts/{id:guid} → /api/v1/posts/{id}: the gateway knows no constraints.</summary>
        private static string NormalisedPath(RoutePattern pattern) =>
            "/" + string.Join("/", pattern.PathSegments.Select(segment => string.Concat(segment.Parts.Select(part => part switch
            {
                RoutePatternLiteralPart literal => literal.Content,
                RoutePatternSeparatorPart separator => separator.Content,
                RoutePatternParameterPart parameter => "{" + parameter.Name + "}",
                _ => throw new InvalidOperationException($"Unexpected route part in {pattern.RawText}."),
            }))));

        /// <summary>
        /// "required": the endpoint demands an authenticated user, so the authorizer may stand in
        /// front. "none": anonymous callers are fine (no authorization, or the optional-bearer policy
        /// that reads a token only when one is sent), so the gateway must let them through.
        /// </summary>
        private static string AuthOf(Endpoint endpoint)
        {
            var data = endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>();
            if (endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null || data.Count == 0)
            {
                return AuthNone;
            }

            if (data.All(d => d.Policy == AuthorizationPolicies.OptionalBearer))
            {
                return AuthNone;
            }

            if (data.All(d => d.Policy is null || d.Policy == AuthorizationPolicies.OptionalBearer))
            {
                return AuthRequired;
            }

            throw new InvalidOperationException(
                $"{endpoint.DisplayName} uses authorization policy '{data.First(d => d.Policy is not null && d.Policy != AuthorizationPolicies.OptionalBearer).Policy}': " +
                "decide whether API Gateway's authorizer goes in front of it, then teach this test.");
        }

        private sealed class Factory : WebApplicationFactory<Program>
        {
            protected override void ConfigureWebHost(IWebHostBuilder builder)
            {
                builder.UseEnvironment("Production");
                // Enough configuration to start; Production needs no database to start (the first
                // connection it tries to open early is best effort).
                builder.UseSetting("ConnectionStrings:socialdb", "Host=127.0.0.1;Database=unused");
                builder.UseSetting("Jwt:Secret", "deploy-consistency-0123456789abcdefghijkl");
            }
        }
    }
}
