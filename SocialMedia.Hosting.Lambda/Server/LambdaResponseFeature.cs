using System.IO.Pipelines;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace SocialMedia.Hosting.Lambda.Server;

/// <summary>
/// The response of one invocation, buffered whole (API Gateway takes one JSON document, not a
/// stream). Behaves like Kestrel where the pipeline can tell: the response "starts" (OnStarting
/// callbacks run, headers freeze) at the first write, flush or StartAsync; synchronous writes are
/// refused. Because nothing has left the process yet, the server can still replace a started
/// response with a problem (an exception after the first write, the 6 MB limit).
/// </summary>
internal sealed class LambdaResponseFeature : IHttpResponseFeature, IHttpResponseBodyFeature, IDisposable
{
    private readonly MemoryStream _buffer = new();
    private readonly ResponseStream _stream;
    private List<(Func<object, Task> Callback, object State)>? _onStarting;
    private List<(Func<object, Task> Callback, object State)>? _onCompleted;
    private PipeWriter? _writer;
    private HeaderDictionary _headers = new();

    public LambdaResponseFeature() => _stream = new ResponseStream(this);

    public int StatusCode { get; set; } = StatusCodes.Status200OK;
    public string? ReasonPhrase { get; set; }

    public IHeaderDictionary Headers
    {
        get => _headers;
        set => _headers = value as HeaderDictionary ?? new HeaderDictionary(value.ToDictionary(h => h.Key, h => h.Value, StringComparer.OrdinalIgnoreCase));
    }

    [Obsolete("Use IHttpResponseBodyFeature.Stream instead.")]
    public Stream Body { get => _stream; set => throw new NotSupportedException("Replace the body through IHttpResponseBodyFeature."); }

    public bool HasStarted { get; private set; }

    public Stream Stream => _stream;

    public PipeWriter Writer => _writer ??= PipeWriter.Create(_stream, new StreamPipeWriterOptions(leaveOpen: true));

    /// <summary>The bytes written so far (after <see cref="CompleteAsync"/>: the whole body).</summary>
    public ArraySegment<byte> BodyBytes => new(_buffer.GetBuffer(), 0, (int)_buffer.Length);

    public void OnStarting(Func<object, Task> callback, object state) => (_onStarting ??= []).Add((callback, state));

    public void OnCompleted(Func<object, Task> callback, object state) => (_onCompleted ??= []).Add((callback, state));

    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (HasStarted)
        {
            return;
        }

        // Like Kestrel: the last registered runs first, and callbacks may still change headers.
        if (_onStarting is { } callbacks)
        {
            _onStarting = null;
            for (var i = callbacks.Count - 1; i >= 0; i--)
            {
                await callbacks[i].Callback(callbacks[i].State);
            }
        }

        HasStarted = true;
        _headers.IsReadOnly = true;
    }

    public async Task CompleteAsync()
    {
        if (_writer is not null)
        {
            await _writer.FlushAsync();
        }

        await StartAsync();
    }

    public void DisableBuffering()
    {
    }

    public Task SendFileAsync(string path, long offset, long? count, CancellationToken cancellationToken = default) =>
        SendFileFallback.SendFileAsync(_stream, path, offset, count, cancellationToken);

    /// <summary>Throws away whatever the pipeline produced, so the server can answer with a problem instead.</summary>
    public void Reset()
    {
        _buffer.SetLength(0);
        _writer = null;
        _headers = new HeaderDictionary();
        StatusCode = StatusCodes.Status200OK;
        ReasonPhrase = null;
        HasStarted = false;
        _onStarting = null;
    }

    public async Task FireOnCompletedAsync()
    {
        if (_onCompleted is not { } callbacks)
        {
            return;
        }

        _onCompleted = null;
        for (var i = callbacks.Count - 1; i >= 0; i--)
        {
            await callbacks[i].Callback(callbacks[i].State);
        }
    }

    public void Dispose()
    {
        _buffer.Dispose();
        _stream.Dispose();
    }

    private sealed class ResponseStream(LambdaResponseFeature owner) : Stream
    {
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await owner.StartAsync(cancellationToken);
            owner._buffer.Write(buffer.Span);
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override Task FlushAsync(CancellationToken cancellationToken) => owner.StartAsync(cancellationToken);

        // Kestrel's default (AllowSynchronousIO = false): code that works here works there.
        public override void Write(byte[] buffer, int offset, int count) =>
            throw new InvalidOperationException("Synchronous operations are disallowed. Call WriteAsync or set AllowSynchronousIO to true instead.");

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
