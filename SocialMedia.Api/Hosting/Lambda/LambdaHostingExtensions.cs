using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OpenTelemetry;
using OpenTelemetry.Resources;

namespace SocialMedia.Api.Hosting.Lambda;

/// <summary>The API Gateway integration in front of the function (named as in Amazon.Lambda.AspNetCoreServer.Hosting).</summary>
public enum LambdaEventSource
{
    /// <summary>REST API proxy integration (payload 1.0). HTTP API events (payload 2.0) are recognised too.</summary>
    RestApi,

    /// <summary>HTTP API (payload 2.0). REST API events are recognised too.</summary>
    HttpApi,
}

public sealed class LambdaHostingOptions
{
    public const string ApiHandler = "api";
    public const string AuthorizerHandler = "authorizer";

    public required string RuntimeApi { get; init; }

    /// <summary><c>_HANDLER</c>: <c>api</c> (default) or <c>authorizer</c>.</summary>
    public required string Handler { get; init; }

    public LambdaEventSource EventSource { get; init; }
}

public static class LambdaHostingExtensions
{
    public const string RuntimeApiVariable = "AWS_LAMBDA_RUNTIME_API";

    /// <summary>
    /// Lambda mode, when <c>AWS_LAMBDA_RUNTIME_API</c> is set: the in-process <see cref="LambdaServer"/>
    /// replaces Kestrel and takes invocations from the Runtime API. Otherwise nothing changes.
    /// Shaped like the AWS package's <c>builder.Services.AddAWSLambdaHosting(LambdaEventSource.RestApi)</c>,
    /// which can take its place (docs/lambda.md).
    /// </summary>
    public static IHostApplicationBuilder AddAWSLambdaHosting(this IHostApplicationBuilder builder, LambdaEventSource eventSource)
    {
        var runtimeApi = builder.Configuration[RuntimeApiVariable];
        if (string.IsNullOrWhiteSpace(runtimeApi))
        {
            return builder;
        }

        LambdaInitErrors.Install(runtimeApi);
        var handler = builder.Configuration["_HANDLER"] is { Length: > 0 } name ? name.Trim().ToLowerInvariant() : LambdaHostingOptions.ApiHandler;
        if (handler is not (LambdaHostingOptions.ApiHandler or LambdaHostingOptions.AuthorizerHandler))
        {
            throw new InvalidOperationException($"_HANDLER must be '{LambdaHostingOptions.ApiHandler}' or '{LambdaHostingOptions.AuthorizerHandler}', not '{handler}'.");
        }

        var services = builder.Services;
        services.AddSingleton(new LambdaHostingOptions { RuntimeApi = runtimeApi, Handler = handler, EventSource = eventSource });
        services.AddSingleton(_ => new LambdaRuntimeClient(runtimeApi));
        services.AddSingleton<LambdaTelemetry>();
        services.AddSingleton<LambdaInvocationLoop>();
        services.TryAddSingleton(TimeProvider.System);
        services.Replace(ServiceDescriptor.Singleton<IServer, LambdaServer>());

        AddTracing(builder);
        return builder;
    }

    /// <summary>X-Ray-compatible trace ids, the ADOT collector's protocol, and the resource X-Ray groups by.</summary>
    private static void AddTracing(IHostApplicationBuilder builder)
    {
        XRayTraceIds.Install();
        var configuration = builder.Configuration;
        // The ADOT layer's collector listens for OTLP over HTTP (4318); the .NET exporter would
        // otherwise default to gRPC. An explicit setting still wins.
        if (string.IsNullOrEmpty(configuration["OTEL_EXPORTER_OTLP_PROTOCOL"]))
        {
            builder.Configuration.AddInMemoryCollection([new("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf")]);
        }

        var functionName = configuration["AWS_LAMBDA_FUNCTION_NAME"];
        builder.Services.AddOpenTelemetry().ConfigureResource(resource =>
        {
            if (string.IsNullOrEmpty(configuration["OTEL_SERVICE_NAME"]))
            {
                resource.AddService(functionName ?? builder.Environment.ApplicationName);
            }

            var attributes = new List<KeyValuePair<string, object>>
            {
                new("cloud.provider", "aws"),
                new("cloud.platform", "aws_lambda"),
            };
            AddIfSet(attributes, "cloud.region", configuration["AWS_REGION"]);
            AddIfSet(attributes, "faas.name", functionName);
            AddIfSet(attributes, "faas.version", configuration["AWS_LAMBDA_FUNCTION_VERSION"]);
            AddIfSet(attributes, "faas.instance", configuration["AWS_LAMBDA_LOG_STREAM_NAME"]);
            resource.AddAttributes(attributes);
        });
    }

    private static void AddIfSet(List<KeyValuePair<string, object>> attributes, string name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            attributes.Add(new(name, value));
        }
    }
}
