using System.Diagnostics;
using System.Text;
using SocialMedia.Tests.Infrastructure;

namespace SocialMedia.Tests.Lambda.Support;

/// <summary>
/// The API as Lambda runs it: a real child process, <c>dotnet SocialMedia.Api.dll</c> from the API's
/// own build output (or a published folder named by SOCIALMEDIA_LAMBDA_API_DIR), with
/// AWS_LAMBDA_RUNTIME_API pointing at an emulator. Nothing of the test process is shared with it.
/// </summary>
public sealed class LambdaFunctionProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private LambdaFunctionProcess(Process process) => _process = process;

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

    public static string ApiDirectory { get; } = FindApiDirectory();

    public static LambdaFunctionProcess Start(IReadOnlyDictionary<string, string?> environment)
    {
        // The framework-dependent build (SocialMedia.Api.dll), or a Native AOT package (one
        // executable, no dll: deploy/publish-aot.sh) when SOCIALMEDIA_LAMBDA_API_DIR points at one.
        var dll = Path.Combine(ApiDirectory, "SocialMedia.Api.dll");
        var native = !File.Exists(dll);
        var info = new ProcessStartInfo(native ? Path.Combine(ApiDirectory, "SocialMedia.Api") : "dotnet")
        {
            WorkingDirectory = ApiDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        if (!native)
        {
            info.ArgumentList.Add(dll);
        }

        // A clean slate: nothing from the test runner's environment decides how the function runs.
        foreach (var key in info.Environment.Keys.ToList())
        {
            if (key.StartsWith("ASPNETCORE_", StringComparison.Ordinal) || key.StartsWith("DOTNET_", StringComparison.Ordinal)
                || key.StartsWith("AWS_", StringComparison.Ordinal) || key.StartsWith("OTEL_", StringComparison.Ordinal)
                || key is "_HANDLER" or "FUNCTION_GROUP" or "_X_AMZN_TRACE_ID")
            {
                info.Environment.Remove(key);
            }
        }

        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("Could not start the API process");
        var function = new LambdaFunctionProcess(process);
        process.OutputDataReceived += (_, e) => function.Append(e.Data);
        process.ErrorDataReceived += (_, e) => function.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return function;
    }

    public Task WaitForExitAsync(TimeSpan timeout) => _process.WaitForExitAsync().WaitAsync(timeout);

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
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

    private static string FindApiDirectory()
    {
        if (Environment.GetEnvironmentVariable("SOCIALMEDIA_LAMBDA_API_DIR") is { Length: > 0 } configured)
        {
            return Path.GetFullPath(configured);
        }

        // This assembly lives in SocialMedia.Tests/bin/{Configuration}/{tfm}/: the API project,
        // built first as a reference, has its output at the same place under SocialMedia.Api.
        var tfmDirectory = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var configuration = tfmDirectory.Parent!.Name;
        var directory = Path.Combine(TestInfrastructure.RepositoryRoot, "SocialMedia.Api", "bin", configuration, tfmDirectory.Name);
        return File.Exists(Path.Combine(directory, "SocialMedia.Api.dll"))
            ? directory
            : throw new InvalidOperationException($"SocialMedia.Api.dll not found in {directory}; build the solution first.");
    }
}
