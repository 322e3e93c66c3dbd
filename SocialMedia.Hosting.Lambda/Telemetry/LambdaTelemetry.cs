using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Trace;

namespace SocialMedia.Hosting.Lambda.Telemetry;

/// <summary>
/// The host's own telemetry: the span around a non-HTTP handler's invocation (HTTP requests get
/// theirs from ASP.NET Core), and the flush before each response. Lambda freezes the sandbox as
/// soon as the response is posted, and may never thaw it: batched spans and logs still in memory
/// then are lost. So every invocation drains them first, within what is left of its time.
/// </summary>
internal sealed class LambdaTelemetry(IServiceProvider services, TimeProvider clock) : IDisposable
{
    public const string ActivitySourceName = "SocialMedia.Hosting.Lambda";

    private static readonly TimeSpan s_maxFlush = TimeSpan.FromSeconds(2);

    private readonly ActivitySource _activities = new(ActivitySourceName);
    private readonly TracerProvider? _tracer = services.GetService<TracerProvider>();
    private readonly LoggerProvider? _logs = services.GetService<LoggerProvider>();

    /// <summary>
    /// A server span named after the handler, continuing the invocation's X-Ray trace, as the AWS
    /// Lambda instrumentation of OpenTelemetry starts one. Null when nobody listens.
    /// </summary>
    public Activity? StartInvocation(string handler, LambdaInvocation invocation)
    {
        var parent = XRayTraceHeader.TryParse(invocation.TraceId, out var trace) ? trace.ToActivityContext() : default;
        var activity = _activities.StartActivity(handler, ActivityKind.Server, parent);
        activity?.SetTag("faas.trigger", "other");
        activity?.SetTag("faas.invocation_id", invocation.AwsRequestId);
        if (invocation.InvokedFunctionArn is { } arn)
        {
            activity?.SetTag("cloud.resource_id", arn);
        }

        return activity;
    }

    public void Flush(DateTimeOffset? deadline)
    {
        var budget = s_maxFlush;
        if (deadline is { } at && at - clock.GetUtcNow() - TimeSpan.FromMilliseconds(100) is var left && left < budget)
        {
            budget = left > TimeSpan.Zero ? left : TimeSpan.Zero;
        }

        var milliseconds = (int)budget.TotalMilliseconds;
        _tracer?.ForceFlush(milliseconds);
        _logs?.ForceFlush(milliseconds);
    }

    public void Dispose() => _activities.Dispose();
}
