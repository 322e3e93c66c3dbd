using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// What every service of the solution needs: telemetry and health checks. Kept close to the Aspire
/// template so it reads as the familiar thing, less the template's <c>IHttpClientFactory</c>
/// defaults (a standard resilience handler and service discovery): no service here makes its
/// outgoing calls through the factory (S3 goes through the AWS SDK's own client and retry policy,
/// the Lambda Runtime API through a plain long-polling client), and the handler's options were
/// still bound and validated at every start, a cost on each Lambda cold start for nothing.
/// </summary>
public static class Extensions
{
    public const string HealthEndpointPath = "/health";
    public const string AlivenessEndpointPath = "/alive";

    /// <summary>Activity source for the application's own spans (named after the service).</summary>
    public const string ApplicationActivitySource = "SocialMedia.Api";

    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.ConfigureOpenTelemetry();
        builder.AddDefaultHealthChecks();
        return builder;
    }

    /// <summary>
    /// Traces, metrics and logs over OTLP, to the AppHost's dashboard locally and to the ADOT
    /// collector (X-Ray) in Lambda. Only when the endpoint is configured: spans and metrics that no
    /// exporter sends would still be recorded, tagged and measured on every request, for nobody
    /// (bench/README.md has what that costs).
    /// </summary>
    public static TBuilder ConfigureOpenTelemetry<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        if (!IsExporting(builder.Configuration))
        {
            return builder;
        }

        // OTEL_LOGS_EXPORTER=none (the OpenTelemetry variable): logs stay with the console. The Lambda
        // functions set it: their console already reaches CloudWatch Logs, and a second copy over
        // OTLP would only be billed twice (deploy/collector.yaml has no logs pipeline).
        if (!string.Equals(builder.Configuration["OTEL_LOGS_EXPORTER"], "none", StringComparison.OrdinalIgnoreCase))
        {
            builder.Logging.AddOpenTelemetry(logging =>
            {
                logging.IncludeFormattedMessage = true;
                logging.IncludeScopes = true;
                logging.AddOtlpExporter();
            });
            // The API turns this category off (appsettings.json) so that a request nobody traces
            // starts no span; exported logs keep it, and with it each request's scope (RequestId,
            // RequestPath) on every line logged inside the request.
            builder.Logging.AddFilter<OpenTelemetryLoggerProvider>("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Warning);
        }

        builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddNpgsqlInstrumentation()
                .AddOtlpExporter())
            .WithTracing(tracing => tracing
                .AddSource(builder.Environment.ApplicationName)
                .AddSource(ApplicationActivitySource)
                .AddAspNetCoreInstrumentation(options =>
                    // Probes every few seconds would bury the requests people come to the dashboard for.
                    options.Filter = context => !IsProbe(context))
                // The AWS SDK's S3 calls are HttpClient requests: this is what puts them in the trace.
                .AddHttpClientInstrumentation()
                .AddNpgsql()
                .AddOtlpExporter());

        return builder;
    }

    /// <summary>
    /// Whether telemetry leaves the process: <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set (the AppHost
    /// and the Lambda functions set it). One OTLP exporter per signal (not UseOtlpExporter, which
    /// always adds logs), each configured from the standard <c>OTEL_EXPORTER_OTLP_*</c> variables.
    /// </summary>
    private static bool IsExporting(IConfiguration configuration) =>
        !string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);

    public static TBuilder AddDefaultHealthChecks<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddHealthChecks()
            .AddCheck("self", () => HealthCheckResult.Healthy(), ["live"]);
        return builder;
    }

    /// <summary>
    /// <c>/health</c> (ready: every check, the database included) and <c>/alive</c> (only "live" checks).
    /// Mapped in every environment: load balancers, the AppHost and API Gateway probes all use them,
    /// and they reveal nothing but a status word.
    /// </summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        // Filtering the probe's request span is not enough: the readiness check's SQL would still be
        // traced, as orphan spans whose parent never arrives. Nothing under a probe is traced.
        app.UseWhen(IsProbe, probe => probe.Use(async (context, next) =>
        {
            using var suppressed = SuppressInstrumentationScope.Begin();
            await next(context);
        }));

        app.MapHealthChecks(HealthEndpointPath).DisableHttpMetrics().ExcludeFromDescription();
        app.MapHealthChecks(AlivenessEndpointPath, new HealthCheckOptions
        {
            Predicate = r => r.Tags.Contains("live"),
        }).DisableHttpMetrics().ExcludeFromDescription();
        return app;
    }

    private static bool IsProbe(HttpContext context) =>
        context.Request.Path.StartsWithSegments(HealthEndpointPath)
        || context.Request.Path.StartsWithSegments(AlivenessEndpointPath);
}
