using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OpenTelemetry;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using SocialMedia.Hosting.Lambda;
using SocialMedia.Hosting.Lambda.Runtime;
using SocialMedia.Hosting.Lambda.Server;
using SocialMedia.Hosting.Lambda.Telemetry;

// Beside the host builder's own extensions, like the ServiceDefaults: Program.cs needs no using for it.
namespace Microsoft.Extensions.Hosting;

public static class LambdaHostingExtensions
{
    /// <summary>
    /// Lambda mode, when <c>AWS_LAMBDA_RUNTIME_API</c> is set: the in-process <see cref="LambdaServer"/>
    /// replaces Kestrel and takes invocations from the Runtime API. Otherwise nothing changes.
    /// Shaped like the AWS package's <c>builder.Services.AddAWSLambdaHosting(LambdaEventSource.RestApi)</c>,
    /// which can take its place (docs/lambda.md). It takes the host builder rather than the services
    /// because it also sets configuration defaults (the ADOT collector's OTLP protocol).
    /// </summary>
    public static IHostApplicationBuilder AddAWSLambdaHosting(this IHostApplicationBuilder builder, LambdaEventSource eventSource)
    {
        var runtimeApi = builder.Configuration[LambdaHostingOptions.RuntimeApiVariable];
        if (string.IsNullOrWhiteSpace(runtimeApi))
        {
            return builder;
        }

        var services = builder.Services;
        // First, so that a start failing anywhere after this point is reported to the Runtime API.
        services.AddSingleton(LambdaInitErrorReporter.Install(runtimeApi));
        services.AddSingleton(new LambdaHostingOptions
        {
            RuntimeApi = runtimeApi,
            Handler = LambdaHostingOptions.NormalizeHandler(builder.Configuration[LambdaHostingOptions.HandlerVariable]),
            EventSource = eventSource,
        });
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
        builder.Services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddSource(LambdaTelemetry.ActivitySourceName));
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
