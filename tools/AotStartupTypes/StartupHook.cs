using System.Diagnostics.Tracing;

/// <summary>
/// The entry point the runtime looks for in a startup hook: a type named <c>StartupHook</c> outside
/// any namespace, with a static <c>Initialize</c>. It starts recording when the environment names an
/// output file (<see cref="ContainerTypeRecorder.OutputVariable"/>) and does nothing otherwise.
/// </summary>
internal static class StartupHook
{
    // Held for the life of the process: an EventListener stops receiving once collected.
    private static ContainerTypeRecorder? s_recorder;

    public static void Initialize()
    {
        if (Environment.GetEnvironmentVariable(ContainerTypeRecorder.OutputVariable) is { Length: > 0 } path)
        {
            s_recorder = new ContainerTypeRecorder(path);
        }
    }
}

/// <summary>
/// Listens to the container's own event source (Microsoft-Extensions-DependencyInjection): every
/// call site it builds names its service, implementation and item types. Each generic one is
/// written to the output file as soon as it is seen, once, in rd.xml's assembly-qualified form,
/// so that the file is complete whenever the process is stopped, even killed.
/// </summary>
internal sealed class ContainerTypeRecorder(string path) : EventListener
{
    public const string OutputVariable = "AOT_STARTUP_TYPES_OUT";

    private readonly Dictionary<string, string?[]> _chunks = [];
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
        // call site arrives in several chunks.
        if (eventData.EventName != "CallSiteBuilt" || eventData.Payload is not [string service, string part, int index, int count, ..])
        {
            return;
        }

        lock (_gate)
        {
            if (!_chunks.TryGetValue(service, out var parts) || parts.Length != count)
            {
                _chunks[service] = parts = new string?[count];
            }

            parts[index] = part;
            if (Array.IndexOf(parts, null) >= 0)
            {
                return;
            }

            _chunks.Remove(service);
            var lines = CallSiteTypes.GenericTypeNames(string.Concat(parts))
                .Select(TypeNames.Resolve)
                .OfType<Type>()
                .Select(TypeNames.RdXmlName)
                .Where(_written.Add)
                .ToList();
            if (lines.Count > 0)
            {
                File.AppendAllLines(path, lines);
            }
        }
    }
}
