using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace SocialMedia.Hosting.Lambda.Server;

/// <summary>
/// The request body as Kestrel describes one: whether there is a body at all (minimal APIs read
/// JSON only when CanHaveBody says so), and a size limit that is enforced on read and frozen once
/// reading began. API Gateway hands over the whole body, so the limit is checked against its length.
/// </summary>
internal sealed class LambdaRequestBody : IHttpRequestBodyDetectionFeature, IHttpMaxRequestBodySizeFeature
{
    private readonly byte[]? _body;
    private long? _maxRequestBodySize;

    public LambdaRequestBody(byte[]? body)
    {
        _body = body;
        Stream = body is null ? Stream.Null : new BodyStream(this, body);
    }

    public Stream Stream { get; }

    public bool CanHaveBody => _body is { Length: > 0 };

    public bool IsReadOnly { get; private set; }

    public long? MaxRequestBodySize
    {
        get => _maxRequestBodySize;
        set => _maxRequestBodySize = IsReadOnly
            ? throw new InvalidOperationException("The maximum request body size cannot be modified after the app has already started reading the request body.")
            : value;
    }

    private void OnRead()
    {
        IsReadOnly = true;
        if (_body is not null && _body.Length > _maxRequestBodySize)
        {
            throw new BadHttpRequestException("Request body too large.", StatusCodes.Status413PayloadTooLarge);
        }
    }

    private sealed class BodyStream(LambdaRequestBody owner, byte[] body) : MemoryStream(body, writable: false)
    {
        public override int Read(byte[] buffer, int offset, int count)
        {
            owner.OnRead();
            return base.Read(buffer, offset, count);
        }

        public override int Read(Span<byte> buffer)
        {
            owner.OnRead();
            return base.Read(buffer);
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            owner.OnRead();
            return base.ReadAsync(buffer, offset, count, cancellationToken);
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            owner.OnRead();
            return base.ReadAsync(buffer, cancellationToken);
        }

        public override Task CopyToAsync(Stream destination, int bufferSize, CancellationToken cancellationToken)
        {
            owner.OnRead();
            return base.CopyToAsync(destination, bufferSize, cancellationToken);
        }
    }
}
