using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace SocialMedia.Tests.Unit;

public sealed class TelemetryDefaultsTests
{
    // DisableDefaults: only the configuration given here, not this process's environment.
    private static IHost Build(string? otlpEndpoint, string? logsExporter = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection([new("OTEL_EXPORTER_OTLP_ENDPOINT", otlpEndpoint), new("OTEL_LOGS_EXPORTER", logsExporter)]);
        builder.ConfigureOpenTelemetry();
        return builder.Build();
    }

    [Fact]
    public void Without_an_otlp_endpoint_no_spans_or_metrics_are_recorded()
    {
        using var host = Build(otlpEndpoint: null);
        Assert.Null(host.Services.GetService<TracerProvider>());
        Assert.Null(host.Services.GetService<MeterProvider>());
    }

    [Fact]
    public void With_an_otlp_endpoint_spans_and_metrics_are_recorded()
    {
        using var host = Build(otlpEndpoint: "http://127.0.0.1:4318");
        Assert.NotNull(host.Services.GetService<TracerProvider>());
        Assert.NotNull(host.Services.GetService<MeterProvider>());
    }

    [Fact]
    public void Logs_go_over_otlp_unless_otel_logs_exporter_is_none()
    {
        // In Lambda the console already reaches CloudWatch Logs, and the collector has no logs
        // pipeline (deploy/collector.yaml): the functions set OTEL_LOGS_EXPORTER=none.
        using (var host = Build(otlpEndpoint: "http://127.0.0.1:4318"))
        {
            Assert.Contains(host.Services.GetServices<Microsoft.Extensions.Logging.ILoggerProvider>(), p => p is OpenTelemetry.Logs.OpenTelemetryLoggerProvider);
        }

        using (var host = Build(otlpEndpoint: "http://127.0.0.1:4318", logsExporter: "none"))
        {
            Assert.DoesNotContain(host.Services.GetServices<Microsoft.Extensions.Logging.ILoggerProvider>(), p => p is OpenTelemetry.Logs.OpenTelemetryLoggerProvider);
            Assert.NotNull(host.Services.GetService<TracerProvider>());
        }
    }
}
