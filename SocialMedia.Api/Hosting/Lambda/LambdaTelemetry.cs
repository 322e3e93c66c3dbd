using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Trace;

namespace SocialMedia.Api.Hosting.Lambda;

/// <summary>
/// Lambda freezes the sandbox as soon as the response is posted, and may never thaw it: batched
/// spans and logs still in memory then are lost. So every invocation drains them first, within
/// what is left of its time.
/// </summary>
internal sealed class LambdaTelemetry(IServiceProvider services, TimeProvider clock)
{
    private static readonly TimeSpan s_maxFlush = TimeSpan.FromSeconds(2);

    private readonly TracerProvider? _tracer = services.GetService<TracerProvider>();
    private readonly LoggerProvider? _logs = services.GetService<LoggerProvider>();

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
}
