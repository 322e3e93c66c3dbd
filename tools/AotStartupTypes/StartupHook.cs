using AotStartupTypes;

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
            if (Environment.GetEnvironmentVariable(ListCheck.ListVariable) is { Length: > 0 } list)
            {
                File.AppendAllLines(path, ListCheck.Vanished(list));
            }
        }
    }
}
