using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.AWS.Lambda;
using SocialMedia.AppHost.Api;

// Aspire.Hosting.AWS puts its extension methods here too.
namespace Aspire.Hosting;

/// <summary>
/// <c>AddAWSLambdaServiceEmulator</c> and <c>AddAWSLambdaFunction</c>, with Aspire.Hosting.AWS's
/// names and arguments. The emulator is SocialMedia.AwsEmulators in its <c>lambda</c> role: the
/// Runtime API every function polls, and the Invoke API. A function is a project started with
/// <c>AWS_LAMBDA_RUNTIME_API</c> pointing at it and <c>_HANDLER</c> naming its entry, as Lambda
/// starts a custom runtime. Differences from the package: the resources are plain project resources,
/// and nothing is installed (the emulator is built with the solution).
/// </summary>
public static class LambdaExtensions
{
    public const string EmulatorResourceName = "LambdaServiceEmulator";
    public const string EmulatorEndpointName = "http";

    public static IResourceBuilder<ProjectResource> AddAWSLambdaServiceEmulator(this IDistributedApplicationBuilder builder, LambdaEmulatorOptions? options = null)
    {
        if (builder.Resources.OfType<ProjectResource>().FirstOrDefault(r => r.Name == EmulatorResourceName) is { } existing)
        {
            return builder.CreateResourceBuilder(existing);
        }

        return builder.AddProject<Projects.SocialMedia_AwsEmulators>(EmulatorResourceName, launchProfileName: null)
            .WithArgs("lambda")
            .WithHttpEndpoint(port: options?.HttpPort, name: EmulatorEndpointName)
            .WithoutTelemetryRetries()
            .WithHttpHealthCheck("/_emulator/health", endpointName: EmulatorEndpointName)
            .WithUrlForEndpoint(EmulatorEndpointName, url => url.DisplayLocation = UrlDisplayLocation.DetailsOnly)
            .WithIconName("ServerSurface");
    }

    /// <param name="lambdaHandler">The function's handler: <c>_HANDLER</c> of its process.</param>
    public static IResourceBuilder<ProjectResource> AddAWSLambdaFunction<TLambdaProject>(
        this IDistributedApplicationBuilder builder, string name, string lambdaHandler, LambdaFunctionOptions? options = null)
        where TLambdaProject : IProjectMetadata, new()
    {
        var emulator = builder.AddAWSLambdaServiceEmulator();
        var endpoint = emulator.GetEndpoint(EmulatorEndpointName);
        // The emulator enforces the timeout, as Lambda does: the function only sees the deadline.
        emulator.WithEnvironment($"Lambda__Functions__{name}__TimeoutSeconds",
            (options?.TimeoutSeconds ?? 30).ToString(System.Globalization.CultureInfo.InvariantCulture));
        return builder.AddProject<TLambdaProject>(name, launchProfileName: null)
            .WithEnvironment("AWS_LAMBDA_RUNTIME_API", ReferenceExpression.Create($"{endpoint.Property(EndpointProperty.HostAndPort)}/{name}"))
            .WithEnvironment("_HANDLER", lambdaHandler)
            .WithEnvironment("AWS_LAMBDA_FUNCTION_NAME", name)
            .WithEnvironment("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
            .WaitFor(emulator)
            .WithParentRelationship(emulator)
            .WithIconName("Code");
    }
}

/// <summary>
/// <c>AddAWSAPIGatewayEmulator</c> and <c>WithReference(function, method, path)</c>, with
/// Aspire.Hosting.AWS's names and arguments: SocialMedia.AwsEmulators in its <c>gateway</c> role.
/// <see cref="WithLambdaAuthorizer"/> and <see cref="WithAuthorizedReference"/> are ours: the
/// package's emulator has no authorizer, and the deployed API has one.
/// </summary>
public static class APIGatewayExtensions
{
    public const string EndpointName = "http";

    public static IResourceBuilder<ProjectResource> AddAWSAPIGatewayEmulator(
        this IDistributedApplicationBuilder builder, string name, APIGatewayType apiGatewayType, APIGatewayEmulatorOptions? options = null)
    {
        var lambda = builder.AddAWSLambdaServiceEmulator();
        var gateway = builder.AddProject<Projects.SocialMedia_AwsEmulators>(name, launchProfileName: null)
            .WithArgs("gateway")
            .WithHttpEndpoint(port: options?.Port, name: EndpointName)
            .WithoutTelemetryRetries()
            // REST APIs and HTTP APIs with payload 1.0 send the same proxy event; only 2.0 differs.
            .WithEnvironment("Gateway__Type", apiGatewayType == APIGatewayType.HttpV2 ? "HttpV2" : "Rest")
            .WithEnvironment("Gateway__LambdaEndpoint", lambda.GetEndpoint(LambdaExtensions.EmulatorEndpointName))
            .WaitFor(lambda)
            .WithIconName("ArrowRouting");
        gateway.WithEnvironment(context =>
        {
            var routes = gateway.Resource.Annotations.OfType<GatewayRouteAnnotation>().ToList();
            for (var i = 0; i < routes.Count; i++)
            {
                context.EnvironmentVariables[$"Gateway__Routes__{i}__Method"] = routes[i].Method == Method.Any ? "ANY" : routes[i].Method.ToString().ToUpperInvariant();
                context.EnvironmentVariables[$"Gateway__Routes__{i}__Path"] = routes[i].Path;
                context.EnvironmentVariables[$"Gateway__Routes__{i}__Function"] = routes[i].Function;
                context.EnvironmentVariables[$"Gateway__Routes__{i}__RequiresAuth"] = routes[i].RequiresAuth ? "true" : "false";
            }
        });
        return gateway;
    }

    /// <summary>Routes <paramref name="httpMethod"/> <paramref name="path"/> (<c>{name}</c> segments match any value) to <paramref name="lambda"/>.</summary>
    public static IResourceBuilder<ProjectResource> WithReference(
        this IResourceBuilder<ProjectResource> apiGateway, IResourceBuilder<ProjectResource> lambda, Method httpMethod, string path) =>
        apiGateway.WithRoute(lambda, httpMethod, path, requiresAuth: false);

    /// <summary>As <see cref="WithReference"/>, with the Lambda authorizer in front (ours).</summary>
    public static IResourceBuilder<ProjectResource> WithAuthorizedReference(
        this IResourceBuilder<ProjectResource> apiGateway, IResourceBuilder<ProjectResource> lambda, Method httpMethod, string path) =>
        apiGateway.WithRoute(lambda, httpMethod, path, requiresAuth: true);

    /// <summary>The TOKEN authorizer of the routes added with <see cref="WithAuthorizedReference"/>, its policy cached per token (ours).</summary>
    public static IResourceBuilder<ProjectResource> WithLambdaAuthorizer(
        this IResourceBuilder<ProjectResource> apiGateway, IResourceBuilder<ProjectResource> authorizer, int cacheTtlSeconds = 300) =>
        apiGateway
            .WithEnvironment("Gateway__AuthorizerFunction", authorizer.Resource.Name)
            .WithEnvironment("Gateway__AuthorizerCacheTtlSeconds", cacheTtlSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .WaitFor(authorizer);

    private static IResourceBuilder<ProjectResource> WithRoute(
        this IResourceBuilder<ProjectResource> apiGateway, IResourceBuilder<ProjectResource> lambda, Method httpMethod, string path, bool requiresAuth)
    {
        apiGateway.WithAnnotation(new GatewayRouteAnnotation(httpMethod, path, lambda.Resource.Name, requiresAuth));
        return apiGateway.Resource.Annotations.OfType<WaitAnnotation>().Any(w => w.Resource == lambda.Resource) ? apiGateway : apiGateway.WaitFor(lambda);
    }

    private sealed record GatewayRouteAnnotation(Method Method, string Path, string Function, bool RequiresAuth) : IResourceAnnotation;
}
