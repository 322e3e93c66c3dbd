using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;

namespace SocialMedia.Hosting.Lambda.Telemetry;

/// <summary>
/// The X-Ray trace header Lambda hands each invocation (<c>Lambda-Runtime-Trace-Id</c>, mirrored in
/// <c>_X_AMZN_TRACE_ID</c>): <c>Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1</c>.
/// X-Ray's trace id is a W3C trace id written differently: version "1-", eight hex digits of epoch
/// seconds, a dash, 24 random hex digits. Parent is the Lambda segment our spans hang from.
/// </summary>
public readonly record struct XRayTraceHeader(ActivityTraceId TraceId, ActivitySpanId ParentId, bool Sampled)
{
    public static bool TryParse(string? header, out XRayTraceHeader result)
    {
        result = default;
        if (string.IsNullOrEmpty(header))
        {
            return false;
        }

        string? root = null, parent = null, sampled = null;
        foreach (var part in header.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                continue;
            }

            var value = part[(equals + 1)..];
            switch (part[..equals])
            {
                case "Root": root = value; break;
                case "Parent": parent = value; break;
                case "Sampled": sampled = value; break;
            }
        }

        // 1-xxxxxxxx-yyyyyyyyyyyyyyyyyyyyyyyy
        if (root is not { Length: 35 } || !root.StartsWith("1-", StringComparison.Ordinal) || root[10] != '-')
        {
            return false;
        }

        var hex = string.Concat(root.AsSpan(2, 8), root.AsSpan(11, 24));
        if (!IsLowerHex(hex) || hex.All(c => c == '0'))
        {
            return false;
        }

        var parentId = parent is { Length: 16 } && IsLowerHex(parent) && parent.Any(c => c != '0')
            ? ActivitySpanId.CreateFromString(parent)
            // Lambda always sends Parent; without one, a fresh id keeps the trace id at least.
            : ActivitySpanId.CreateRandom();
        // "Sampled=?" (decision deferred) and a missing flag both mean: do not record.
        result = new XRayTraceHeader(ActivityTraceId.CreateFromString(hex), parentId, sampled == "1");
        return true;
    }

    /// <summary>The same context as a W3C <c>traceparent</c> header.</summary>
    public string ToTraceParent() => $"00-{TraceId.ToHexString()}-{ParentId.ToHexString()}-{(Sampled ? "01" : "00")}";

    public ActivityContext ToActivityContext() =>
        new(TraceId, ParentId, Sampled ? ActivityTraceFlags.Recorded : ActivityTraceFlags.None, isRemote: true);

    private static bool IsLowerHex(string text)
    {
        foreach (var c in text)
        {
            if (c is not (>= '0' and <= '9' or >= 'a' and <= 'f'))
            {
                return false;
            }
        }

        return true;
    }
}

/// <summary>
/// New trace ids that X-Ray accepts: it rejects ids whose first 32 bits are not a plausible epoch
/// second (the "1-{8 hex seconds}-…" form). Installed through <see cref="Activity.TraceIdGenerator"/>,
/// which System.Diagnostics offers only process-wide: that is also what makes it hold whatever
/// sampler or instrumentation starts a trace. Only Lambda mode installs it.
/// </summary>
public static class XRayTraceIds
{
    public static ActivityTraceId NewTraceId(TimeProvider clock)
    {
        Span<byte> bytes = stackalloc byte[16];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, (uint)clock.GetUtcNow().ToUnixTimeSeconds());
        Random.Shared.NextBytes(bytes[4..]);
        return ActivityTraceId.CreateFromBytes(bytes);
    }

    public static void Install() => Activity.TraceIdGenerator = static () => NewTraceId(TimeProvider.System);

    /// <summary>The X-Ray spelling of a trace id, as the X-Ray console shows it.</summary>
    public static string ToXRayTraceId(ActivityTraceId traceId)
    {
        var hex = traceId.ToHexString();
        return string.Create(CultureInfo.InvariantCulture, $"1-{hex[..8]}-{hex[8..]}");
    }
}
