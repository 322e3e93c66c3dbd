using System.Net;
using System.Net.Sockets;
using System.Text;

namespace SocialMedia.Tests.Infrastructure;

/// <summary>
/// A TCP proxy in front of PostgreSQL that can lose one answer the way a network does: once armed,
/// the first client message containing a marker reaches the server, which runs (and commits) it,
/// and then the server's reply is dropped and both connections are closed.
/// </summary>
public sealed class AnswerLosingProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly string _targetHost;
    private readonly int _targetPort;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private byte[]? _marker;
    private int _answersLost;

    public AnswerLosingProxy(string targetHost, int targetPort)
    {
        (_targetHost, _targetPort) = (targetHost, targetPort);
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public int AnswersLost => Volatile.Read(ref _answersLost);

    /// <summary>Loses the answer to the next message that contains <paramref name="marker"/> (its SQL text, say).</summary>
    public void LoseTheAnswerTo(string marker) => Volatile.Write(ref _marker, Encoding.UTF8.GetBytes(marker));

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                _ = RelayAsync(client);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task RelayAsync(TcpClient client)
    {
        using var server = new TcpClient();
        using var _ = client;
        try
        {
            await server.ConnectAsync(_targetHost, _targetPort, _stop.Token);
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            return; // the client sees its connection closed, as with a server that is down
        }

        var loseNextAnswer = 0;
        var toServer = PumpAsync(client.GetStream(), server.GetStream(), chunk =>
        {
            if (Volatile.Read(ref _marker) is { } marker && chunk.AsSpan().IndexOf(marker) >= 0 && Interlocked.Exchange(ref _marker, null) is not null)
            {
                Volatile.Write(ref loseNextAnswer, 1); // before the message goes on: its answer cannot overtake this
            }

            return true;
        });
        var toClient = PumpAsync(server.GetStream(), client.GetStream(), _ =>
        {
            if (Volatile.Read(ref loseNextAnswer) == 0)
            {
                return true;
            }

            Interlocked.Increment(ref _answersLost);
            return false;
        });
        await Task.WhenAny(toServer, toClient);
        client.Close();
        server.Close();
    }

    /// <summary>Copies until either side closes, or until <paramref name="forward"/> says to drop a chunk and hang up.</summary>
    private async Task PumpAsync(NetworkStream from, NetworkStream to, Func<byte[], bool> forward)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            while (await from.ReadAsync(buffer, _stop.Token) is var read and > 0)
            {
                var chunk = buffer[..read];
                if (!forward(chunk))
                {
                    return;
                }

                await to.WriteAsync(chunk, _stop.Token);
            }
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        _stop.Dispose();
    }
}
