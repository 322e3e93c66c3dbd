using System.Text.Json;
using Aspire.Hosting.AWS.Lambda;
using SocialMedia.AppHost.LocalInfra;

namespace SocialMedia.AppHost.Api;

/// <summary>
/// Lambda mode (<c>LocalInfra:ApiHost=Lambda</c>): the API as it ships, locally. Four function
/// groups and the authorizer, each the API project started as a Lambda custom runtime against the
/// Lambda service emulator, behind the API Gateway emulator on the API's usual port, so a frontend
/// does not change. The gateway's routes are deploy/terraform/routes.json, the file the real API
/// Gateway is built from.
/// </summary>
public static class LambdaStackBuilderExtensions
{
    public static readonly IReadOnlyList<string> FunctionGroups = ["auth", "posts", "likes", "comments"];

    public const string AuthorizerName = "authorizer";

    /// <summary>Routes the local gateway adds to deploy/'s: the contract's probe and the OpenAPI document.</summary>
    public static readonly IReadOnlyList<string> LocalOnlyRoutes = ["/alive", "/openapi/v1.json"];

    /// <summary>deploy/'s default authorizer_cache_ttl_seconds.</summary>
    public const int AuthorizerCacheTtlSeconds = 300;

    public static IResourceBuilder<ProjectResource> AddSocialMediaLambdaStack(
        this IDistributedApplicationBuilder builder, LocalInfrastructure infrastructure, IResourceBuilder<ProjectResource> migrations, LocalInfraOptions options)
    {
        var functions = FunctionGroups.ToDictionary(group => group, group =>
            builder.AddAWSLambdaFunction<Projects.SocialMedia_Api>(group, lambdaHandler: "api")
                .WithEnvironment("FUNCTION_GROUP", group)
                .WithSocialMediaSettings(builder, infrastructure)
                .WaitForCompletion(migrations));
        var authorizer = builder.AddAWSLambdaFunction<Projects.SocialMedia_Api>(AuthorizerName, lambdaHandler: "authorizer")
            .WithSocialMediaSettings(builder, infrastructure)
            .WaitForCompletion(migrations);

        var gateway = builder.AddAWSAPIGatewayEmulator(
                ApiBuilderExtensions.ResourceName,
                options.ApiGateway == LocalApiGateway.Http ? APIGatewayType.HttpV2 : APIGatewayType.Rest,
                new APIGatewayEmulatorOptions { Port = options.ApiPort })
            .WithLambdaAuthorizer(authorizer, AuthorizerCacheTtlSeconds);
        foreach (var route in DeployRoutes.Load(Path.Combine(builder.AppHostDirectory, "..", "deploy", "terraform", "routes.json")))
        {
            var function = functions[route.FunctionGroup];
            _ = route.RequiresAuth
                ? gateway.WithAuthorizedReference(function, route.Method, route.Path)
                : gateway.WithReference(function, route.Method, route.Path);
        }

        // Locally only: the contract's liveness probe and the OpenAPI document, which deploy/ keeps
        // off the public gateway (deploy/README.md, "Routes"), but which the local stack serves in
        // either mode so that frontend tooling finds them at the same address.
        foreach (var path in LocalOnlyRoutes)
        {
            gateway.WithReference(functions["posts"], Method.Get, path);
        }

        return gateway
            .WithHttpHealthCheck("/health", endpointName: ApiBuilderExtensions.EndpointName)
            .WithUrlForEndpoint(ApiBuilderExtensions.EndpointName, url => url.DisplayText = "API (API Gateway emulator)")
            .WithDemoDataCommands(infrastructure);
    }

    /// <summary>One route of deploy/terraform/routes.json.</summary>
    public sealed record DeployRoute(Method Method, string Path, string FunctionGroup, bool RequiresAuth);

    public static class DeployRoutes
    {
        public static IReadOnlyList<DeployRoute> Load(string file)
        {
            using var document = JsonDocument.Parse(File.ReadAllText(file));
            return document.RootElement.GetProperty("routes").EnumerateArray()
                .Select(r => new DeployRoute(
                    Enum.Parse<Method>(r.GetProperty("method").GetString()!, ignoreCase: true),
                    r.GetProperty("path").GetString()!,
                    r.GetProperty("function_group").GetString()!,
                    r.GetProperty("auth").GetString() == "required"))
                .ToList();
        }
    }
}
