using System.Diagnostics;
using System.Text;

namespace SocialMedia.Tests.Infrastructure;

/// <summary>
/// The API as operators run it: a real child process, started from a published folder. With
/// SOCIALMEDIA_API_DIR set, that folder is the build under test, and every black-box test runs
/// against it: a folder with SocialMedia.Api.dll runs under <c>dotnet</c>, one without it is the
/// Native AOT build (its one executable). Otherwise the API's own build output. Nothing of the
/// test runner's environment decides how the process runs; only what the test gives it.
/// </summary>
public sealed class ApiProcess : IAsyncDisposable
{
    private const string ListeningLine = "Now listening on: ";

    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ApiProcess(Process process) => _process = process;

    /// <summary>SOCIALMEDIA_API_DIR, the published build every black-box test runs against; null for the in-process API.</summary>
    public static string? PublishedDirectory { get; } =
        Environment.GetEnvironmentVariable("SOCIALMEDIA_API_DIR") is { Length: > 0 } configured ? Path.GetFullPath(configured) : null;

    /// <summary>The folder processes start from: the published build, or the API's own build output.</summary>
    public static string Directory { get; } = PublishedDirectory ?? BuildOutput();

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>The address from the API's "Now listening on" line (start it with ASPNETCORE_URLS on port 0); fails if it exits first.</summary>
    public Task<Uri> Listening => _listening.Task;

    /// <summary>The start of the published entry point with exactly <paramref name="environment"/> and <paramref name="arguments"/>.</summary>
    public static ProcessStartInfo StartInfo(IReadOnlyDictionary<string, string?> environment, params string[] arguments)
    {
        var dll = Path.Combine(Directory, "SocialMedia.Api.dll");
        var native = !File.Exists(dll);
        var info = new ProcessStartInfo(native ? Path.Combine(Directory, "SocialMedia.Api") : "dotnet")
        {
            WorkingDirectory = Directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        if (!native)
        {
            info.ArgumentList.Add(dll);
        }

        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        string[] inherited =
        [
            "ASPNETCORE_", "DOTNET_", "AWS_", "OTEL_", "Jwt__", "ConnectionStrings__", "Logging__", "Storage__", "RateLimits__", "Cors__",
        ];
        foreach (var key in info.Environment.Keys.ToList())
        {
            if (inherited.Any(prefix => key.StartsWith(prefix, StringComparison.Ordinal)) || key is "_HANDLER" or "FUNCTION_GROUP" or "_X_AMZN_TRACE_ID")
            {
                info.Environment.Remove(key);
            }
        }

        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        return info;
    }

    public static ApiProcess Start(IReadOnlyDictionary<string, string?> environment, params string[] arguments)
    {
        var process = Process.Start(StartInfo(environment, arguments)) ?? throw new InvalidOperationException("Could not start the API process");
        var api = new ApiProcess(process);
        process.OutputDataReceived += (_, e) => api.Append(e.Data);
        process.ErrorDataReceived += (_, e) => api.Append(e.Data);
        process.EnableRaisingEvents = true;
        process.Exited += (_, _) => api._listening.TrySetException(new InvalidOperationException($"The API exited with {process.ExitCode} before listening:\n{api.Output}"));
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return api;
    }

    public Task WaitForExitAsync(TimeSpan timeout) => _process.WaitForExitAsync().WaitAsync(timeout);

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        if (line.Trim() is var text && text.StartsWith(ListeningLine, StringComparison.Ordinal))
        {
            _listening.TrySetResult(new Uri(text[ListeningLine.Length..]));
        }

        lock (_output)
        {
            if (_output.Length < 200_000)
            {
                _output.AppendLine(line);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private static string BuildOutput()
    {
        var directory = TestInfrastructure.BuildOutput("SocialMedia.Api");
        return File.Exists(Path.Combine(directory, "SocialMedia.Api.dll"))
            ? directory
            : throw new InvalidOperationException($"SocialMedia.Api.dll not found in {directory}; build the solution first.");
    }
}
