using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using SocialMedia.Tests.Infrastructure;

namespace SocialMedia.Tests.Deploy;

/// <summary>
/// The REST API deploy/ creates, checked offline: `terraform console` evaluates the api-gateway
/// module's locals.tf (the generated OpenAPI body and the method-settings keys) from routes.json,
/// with no provider and no AWS account. Terraform must be installed; the test fails without it.
/// </summary>
public sealed partial class ApiGatewayDefinitionTests
{
    private static readonly string s_terraform = Path.Combine(TestInfrastructure.RepositoryRoot, "deploy", "terraform");
    private static readonly string s_module = Path.Combine(s_terraform, "modules", "api-gateway");
    private static readonly string s_routesFile = Path.Combine(s_terraform, "routes.json");

    private sealed record Route(string Method, string Path, string Auth)
    {
        public string GatewayPath => string.Join('/', Path.Split('/').Select(s => s.StartsWith('{') ? "{id}" : s));
    }

    private static IReadOnlyList<Route> Routes()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(s_routesFile));
        return [.. document.RootElement.GetProperty("routes").EnumerateArray().Select(r => new Route(
            r.GetProperty("method").GetString()!.ToLowerInvariant(), r.GetProperty("path").GetString()!, r.GetProperty("auth").GetString()!))];
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Required_routes_have_the_authorizer_optional_ones_do_not_and_no_method_bypasses_the_key(bool requireApiKey)
    {
        using var openapi = JsonDocument.Parse(await EvaluateAsync("jsonencode(local.openapi)", requireApiKey));
        var paths = openapi.RootElement.GetProperty("paths");
        var problems = new List<string>();
        foreach (var route in Routes())
        {
            var operation = paths.GetProperty(route.GatewayPath).GetProperty(route.Method);
            var schemes = Schemes(operation);
            if ((route.Auth == "required") != schemes.Contains("jwt"))
            {
                problems.Add($"{route.Method} {route.Path} ({route.Auth}): security [{string.Join(", ", schemes)}]");
            }

            if (requireApiKey && route.Path.StartsWith("/api/", StringComparison.Ordinal) && !schemes.Contains("api_key"))
            {
                problems.Add($"{route.Method} {route.Path}: no API key required");
            }
        }

        foreach (var path in paths.EnumerateObject())
        {
            // Preflights carry no credentials: never an authorizer or a key on OPTIONS.
            Assert.Empty(Schemes(path.Value.GetProperty("options")));
            var any = Schemes(path.Value.GetProperty("x-amazon-apigateway-any-method"));
            Assert.DoesNotContain("jwt", any);
            if (requireApiKey && path.Name.StartsWith("/api/", StringComparison.Ordinal) && !any.Contains("api_key"))
            {
                problems.Add($"ANY {path.Name}: reaches the function without an API key");
            }
        }

        Assert.True(problems.Count == 0, string.Join("\n", problems));
        var authorizerFailure = openapi.RootElement.GetProperty("x-amazon-apigateway-gateway-responses").GetProperty("AUTHORIZER_FAILURE");
        Assert.Equal("503", authorizerFailure.GetProperty("statusCode").GetString());
        Assert.Equal("'5'", authorizerFailure.GetProperty("responseParameters").GetProperty("gatewayresponse.header.Retry-After").GetString());
    }

    [Fact]
    public async Task Method_settings_name_each_public_auth_route_with_its_slashes_escaped()
    {
        using var keys = JsonDocument.Parse(await EvaluateAsync("jsonencode(local.auth_method_paths)", requireApiKey: false));
        var expected = Routes().Where(r => r.Path.StartsWith("/api/v1/auth/", StringComparison.Ordinal) && r.Auth == "none")
            .Select(r => r.GatewayPath.Replace("/", "~1", StringComparison.Ordinal) + "/" + r.Method.ToUpperInvariant())
            .Order().ToArray();

        var actual = keys.RootElement.EnumerateArray().Select(k => k.GetString()!).Order().ToArray();

        Assert.Equal(expected, actual);
        Assert.Contains("~1api~1v1~1auth~1login/POST", actual);
        Assert.All(actual, key => Assert.Matches(MethodPathPattern(), key));
    }

    private static string[] Schemes(JsonElement operation) =>
        operation.TryGetProperty("security", out var security)
            ? [.. security.EnumerateArray().SelectMany(requirement => requirement.EnumerateObject().Select(p => p.Name))]
            : [];

    /// <summary>Evaluates one expression over a copy of the module's locals and variables (no provider block, so no init).</summary>
    private static async Task<string> EvaluateAsync(string expression, bool requireApiKey)
    {
        var directory = Directory.CreateTempSubdirectory("socialmedia-tf-console-");
        try
        {
            foreach (var file in new[] { "locals.tf", "variables.tf" })
            {
                File.Copy(Path.Combine(s_module, file), Path.Combine(directory.FullName, file));
            }

            var cliConfig = Path.Combine(directory.FullName, "terraformrc");
            await File.WriteAllTextAsync(cliConfig, "");
            var info = new ProcessStartInfo("terraform")
            {
                WorkingDirectory = directory.FullName,
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                ArgumentList =
                {
                    "console",
                    "-var", $"routes_file={s_routesFile}", "-var", "name=social-media-api-test", "-var", "stage=test",
                    "-var", "region=ap-northeast-1", "-var", "partition=aws",
                    "-var", "function_arns={auth=\"arn:auth\",posts=\"arn:posts\",likes=\"arn:likes\",comments=\"arn:comments\"}",
                    "-var", "authorizer_function_arn=arn:authorizer", "-var", "invoke_role_arn=arn:role",
                    "-var", $"require_api_key={(requireApiKey ? "true" : "false")}",
                    // The rest of the module's inputs without a default, so that nothing is left unknown.
                    "-var", "authorizer_cache_ttl_seconds=300", "-var", "throttle_rate_limit=100", "-var", "throttle_burst_limit=200",
                    "-var", "auth_throttle_rate_limit=10", "-var", "api_clients=[]", "-var", "usage_plan_quota_per_day=0",
                    "-var", "waf_rate_limit_per_ip=1000", "-var", "waf_auth_rate_limit_per_ip=100", "-var", "log_retention_days=30",
                },
                Environment = { ["TF_CLI_CONFIG_FILE"] = cliConfig, ["TF_IN_AUTOMATION"] = "1", ["CHECKPOINT_DISABLE"] = "1" },
            };
            using var process = Process.Start(info) ?? throw new InvalidOperationException("terraform did not start");
            await process.StandardInput.WriteLineAsync(expression);
            process.StandardInput.Close();
            var output = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
            Assert.True(process.ExitCode == 0, await errors);
            // The console prints the JSON text as an HCL string literal: a JSON string, save for
            // HCL's escaped template sequences.
            var literal = (await output).Trim();
            Assert.True(literal.StartsWith('"'), $"{expression} is not fully known from the variables: {literal}");
            return JsonSerializer.Deserialize<string>(literal)!.Replace("$${", "${", StringComparison.Ordinal).Replace("%%{", "%{", StringComparison.Ordinal);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [GeneratedRegex(@"^(~1[^/~]+)+/[A-Z]+$")]
    private static partial Regex MethodPathPattern();
}
