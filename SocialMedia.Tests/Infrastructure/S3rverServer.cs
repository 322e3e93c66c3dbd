using System.Diagnostics;
using System.Text;

namespace SocialMedia.Tests.Infrastructure;

/// <summary>
/// s3rver, a real S3 HTTP emulator (signature checks included) from npm, on a free port with its
/// own temp folder. Installed from tools/s3rver's lock file on first use.
/// </summary>
public sealed class S3rverServer
{
    public const string AccessKey = "S3RVER";
    public const string SecretKey = "S3RVER";
    public const string Region = "us-east-1";

    private readonly int _port;
    private readonly string _directory;
    private Process _process;

    private S3rverServer(Process process, int port, string directory)
    {
        _process = process;
        _port = port;
        _directory = directory;
        Endpoint = $"http://127.0.0.1:{port}";
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                _process.Kill(entireProcessTree: true);
                Directory.Delete(_directory, recursive: true);
            }
            catch (Exception e) when (e is InvalidOperationException or IOException or UnauthorizedAccessException)
            {
            }
        };
    }

    /// <summary>http://127.0.0.1:port</summary>
    public string Endpoint { get; }

    public static async Task<S3rverServer> StartAsync()
    {
        var tool = Path.Combine(TestInfrastructure.RepositoryRoot, "tools", "s3rver");
        var script = Path.Combine(tool, "node_modules", "s3rver", "bin", "s3rver.js");
        if (!File.Exists(script))
        {
            await Commands.RunAsync("npm", ["ci", "--prefix", tool, "--no-audit", "--no-fund"], TimeSpan.FromMinutes(5));
        }

        var directory = Path.Combine(Path.GetTempPath(), "socialmedia-tests-s3-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(directory);
        var port = TestPorts.FreeTcpPort();
        return new S3rverServer(await LaunchAsync(script, tool, port, directory), port, directory);
    }

    /// <summary>Kills s3rver, as an outage does; its objects stay on disk for <see cref="RestartAsync"/>.</summary>
    public async Task StopAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    /// <summary>Starts s3rver again on the same port and folder: the same buckets and objects.</summary>
    public async Task RestartAsync()
    {
        var tool = Path.Combine(TestInfrastructure.RepositoryRoot, "tools", "s3rver");
        _process = await LaunchAsync(Path.Combine(tool, "node_modules", "s3rver", "bin", "s3rver.js"), tool, _port, _directory);
    }

    private static async Task<Process> LaunchAsync(string script, string tool, int port, string directory)
    {
        var info = new ProcessStartInfo("node")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            ArgumentList =
            {
                // The test runner may end this process before ProcessExit handlers run: s3rver then
                // notices its parent is gone and exits by itself (tools/s3rver/exit-with-parent.cjs).
                "--require", Path.Combine(tool, "exit-with-parent.cjs"),
                // CopyObject as the AWS SDK sends it (tools/s3rver/copy-source.cjs).
                "--require", Path.Combine(tool, "copy-source.cjs"),
                script, "--address", "127.0.0.1", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--directory", directory,
            },
            Environment =
            {
                ["S3RVER_PARENT_PID"] = Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["S3RVER_REMOVE_ON_EXIT"] = directory,
            },
        };
        var process = Process.Start(info) ?? throw new InvalidOperationException("Could not start s3rver (is Node.js installed?)");
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await TestPorts.WaitForPortAsync(port, TimeSpan.FromSeconds(60), () => { lock (output) { return output.ToString(); } });
        return process;
    }

    public bool IsRunning => !_process.HasExited;
}
