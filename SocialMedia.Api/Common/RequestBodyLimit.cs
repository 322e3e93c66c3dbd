using Microsoft.AspNetCore.Http.Features;

namespace SocialMedia.Api.Common;

/// <summary>
/// 64 KiB request bodies, enforced the same way whatever server runs the pipeline: Kestrel,
/// the in-process Lambda server and the test server. Kestrel's own limit covers only Kestrel.
/// </summary>
internal static class RequestBodyLimit
{
    public const long MaxBytes = 64 * 1024;

    public static IApplicationBuilder UseRequestBodyLimit(this IApplicationBuilder app) =>
        app.Use((context, next) =>
        {
            var request = context.Request;
            if (request.ContentLength > MaxBytes)
            {
                throw new BadHttpRequestException("Request body too large.", StatusCodes.Status413PayloadTooLarge);
            }

            var serverLimit = context.Features.Get<IHttpMaxRequestBodySizeFeature>();
            if (serverLimit is { IsReadOnly: false })
            {
                serverLimit.MaxRequestBodySize = MaxBytes;
            }
            else if (request.ContentLength is null && request.Body.CanRead)
            {
                // No length announced and no server-side limit: count while reading.
                request.Body = new LimitedReadStream(request.Body, MaxBytes);
            }

            return next(context);
        });

    private sealed class LimitedReadStream(Stream inner, long limit) : Stream
    {
        private long _read;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _read; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Count(await inner.ReadAsync(buffer, cancellationToken));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        private int Count(int read)
        {
            _read += read;
            return _read > limit
                ? throw new BadHttpRequestException("Request body too large.", StatusCodes.Status413PayloadTooLarge)
                : read;
        }

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
