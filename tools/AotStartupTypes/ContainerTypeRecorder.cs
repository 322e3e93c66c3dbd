using System.Diagnostics.Tracing;

namespace AotStartupTypes;

/// <summary>
/// Listens to the container's own event source (Microsoft-Extensions-DependencyInjection): every
/// call site it builds names its service, implementation and item types. Each generic or array one
/// is written to the output file as soon as it is seen, once, in rd.xml's assembly-qualified form,
/// so that the file is complete whenever the process is stopped, even killed.
/// </summary>
/// <remarks>
/// An event source swallows what its listeners throw, so nothing here can fail the API; what would
/// otherwise be lost goes to the file as a line starting with <see cref="ProblemPrefix"/>, and the
/// test fails on it.
/// </remarks>
internal sealed class ContainerTypeRecorder(string path) : EventListener
{
    public const string OutputVariable = "AOT_STARTUP_TYPES_OUT";
    public const string ProblemPrefix = "!";

    private readonly Dictionary<(long Thread, int Provider, string Service), string?[]> _chunks = [];
    private readonly HashSet<string> _written = [];
    private readonly Lock _gate = new();

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == "Microsoft-Extensions-DependencyInjection")
        {
            EnableEvents(eventSource, EventLevel.Verbose, EventKeywords.All);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        // CallSiteBuilt(serviceType, callSite JSON, chunkIndex, chunkCount, providerHash): a long
        // call site arrives in several chunks, all from one loop on one thread.
        if (eventData.EventName != "CallSiteBuilt" || eventData.Payload is not [string service, string part, int index, int count, int provider])
        {
            return;
        }

        lock (_gate)
        {
            try
            {
                var key = (eventData.OSThreadId, provider, service);
                if (index == 0 || !_chunks.TryGetValue(key, out var parts) || parts.Length != count)
                {
                    _chunks[key] = parts = new string?[count];
                }

                parts[index] = part;
                if (Array.IndexOf(parts, null) >= 0)
                {
                    return;
                }

                _chunks.Remove(key);
                Write(CallSiteTypes.Names(string.Concat(parts)).Select(name => TypeNames.Resolve(name) is { } type
                    ? TypeNames.RdXmlName(type)
                    : $"{ProblemPrefix}unresolved {name}"));
            }
#pragma warning disable CA1031 // Anything thrown here would vanish in the event source; the file carries it to the test.
            catch (Exception exception)
#pragma warning restore CA1031
            {
                Write([$"{ProblemPrefix}error in the call site of {service}: {exception.GetType().Name}: {exception.Message}"]);
            }
        }
    }

    private void Write(IEnumerable<string> lines)
    {
        var fresh = lines.Where(line => !_written.Contains(line)).Distinct().ToList();
        if (fresh.Count > 0)
        {
            File.AppendAllLines(path, fresh);
            _written.UnionWith(fresh);
        }
    }
}
