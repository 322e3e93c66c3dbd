using System.Net;
using System.Net.Sockets;
using SocialMedia.AppHost.LocalInfra;

namespace SocialMedia.Tests.Infrastructure;

/// <summary>The AppHost's <see cref="ExternalCommand"/>, for set-up steps that must succeed.</summary>
internal static class Commands
{
    /// <summary>Runs a program to completion; throws with its output when it is missing or fails.</summary>
    public static async Task<string> RunAsync(string fileName, IEnumerable<string> arguments, TimeSpan? timeout = null)
    {
        var list = arguments.ToList();
        var outcome = await ExternalCommand.RunAsync(fileName, list, timeout ?? TimeSpan.FromMinutes(3))
            ?? throw new InvalidOperationException($"{fileName} is not installed.");
        return outcome.Succeeded
            ? outcome.Output
            : throw new InvalidOperationException($"{fileName} {string.Join(' ', list)} failed ({outcome.ExitCode}): {outcome.Output}");
    }
}

internal static class TestPorts
{
    /// <summary>A port nobody listens on right now.</summary>
    public static int FreeTcpPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static async Task WaitForPortAsync(int port, TimeSpan timeout, Func<string>? diagnostics = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
            catch (SocketException e)
            {
                throw new TimeoutException($"Nothing listened on port {port} after {timeout}. {diagnostics?.Invoke()}", e);
            }
        }
    }
}
