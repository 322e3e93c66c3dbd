using System.Net;
using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.Extensions.Options;
using SocialMedia.Api.Common;

namespace SocialMedia.Api.Features.Images;

public sealed record UploadTicket(string UploadUrl, string ImageKey, string ContentType, DateTime ExpiresAt);

public enum ImageCheck
{
    Ok,
    Missing,
    WrongTypeOrSize,
}

/// <summary>
/// The API's only door to S3. Two clients: one for the calls the API makes itself, one that only
/// signs URLs for the host browsers reach (no request ever goes through it).
/// </summary>
public sealed class ImageStorage(
    [FromKeyedServices(ImageStorage.InternalClient)] IAmazonS3 s3,
    [FromKeyedServices(ImageStorage.PublicClient)] IAmazonS3 signer,
    IOptions<StorageOptions> options,
    TimeProvider clock,
    ILogger<ImageStorage> logger)
{
    public const string InternalClient = "s3";
    public const string PublicClient = "s3-public";

    private readonly StorageOptions _options = options.Value;

    public string UrlOf(string key) => $"{_options.PublicBaseUrl}/{key}";

    public async Task<UploadTicket> CreateUploadAsync(Guid userId, string contentType, string extension, long contentLength)
    {
        var key = ImageRules.NewKey(userId, extension);
        var expires = clock.GetUtcNow().UtcDateTime.AddMinutes(_options.UploadUrlLifetimeMinutes).TruncateTo(TimeSpan.TicksPerSecond);
        var request = new GetPreSignedUrlRequest
        {
            BucketName = _options.BucketName,
            Key = key,
            Verb = HttpVerb.PUT,
            ContentType = contentType,
            Expires = expires,
            // The SDK signs https unless told otherwise; a local emulator speaks plain http.
            Protocol = _options.PublicServiceUrl?.StartsWith("http://", StringComparison.OrdinalIgnoreCase) == true ? Protocol.HTTP : Protocol.HTTPS,
        };
        // Signed, so the upload must carry exactly this length: nobody stores 10 GB on a 1 KB ticket.
        request.Headers.ContentLength = contentLength;
        var url = await signer.GetPreSignedURLAsync(request);
        return new UploadTicket(url, key, contentType, expires);
    }

    /// <summary>The object behind a key exists, with the type its key promises and an allowed size.</summary>
    public async Task<ImageCheck> CheckAsync(string key, string expectedContentType, CancellationToken cancellationToken)
    {
        try
        {
            var head = await s3.GetObjectMetadataAsync(_options.BucketName, key, cancellationToken);
            var type = head.Headers.ContentType?.Split(';')[0].Trim();
            return string.Equals(type, expectedContentType, StringComparison.OrdinalIgnoreCase)
                && head.ContentLength is > 0 and <= ImageRules.MaxBytes
                ? ImageCheck.Ok
                : ImageCheck.WrongTypeOrSize;
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return ImageCheck.Missing;
        }
    }

    /// <summary>
    /// Best effort, after the database change committed: a failure is logged, and the bucket's
    /// lifecycle rule for unreferenced objects is the backstop (deploy/terraform/modules/s3).
    /// </summary>
    public async Task DeleteQuietlyAsync(string key)
    {
        try
        {
            await s3.DeleteObjectAsync(_options.BucketName, key);
        }
        catch (Exception e) when (e is AmazonS3Exception or HttpRequestException or TaskCanceledException)
        {
            logger.LogWarning(e, "Could not delete image object {Key}; the bucket lifecycle rule will remove it", key);
        }
    }

    /// <summary>Creates the bucket if it is missing, and lets <paramref name="browserOrigins"/> upload to it (none: no CORS rule).</summary>
    public async Task EnsureBucketAsync(IReadOnlyList<string> browserOrigins, CancellationToken cancellationToken)
    {
        try
        {
            await s3.PutBucketAsync(new PutBucketRequest { BucketName = _options.BucketName }, cancellationToken);
            logger.LogInformation("Created bucket {Bucket}", _options.BucketName);
        }
        catch (AmazonS3Exception e) when (e.ErrorCode is "BucketAlreadyOwnedByYou" or "BucketAlreadyExists")
        {
        }

        if (browserOrigins.Count == 0)
        {
            logger.LogWarning("No Cors:AllowedOrigins: bucket {Bucket} gets no CORS rule, so browsers cannot upload to it", _options.BucketName);
            return;
        }

        try
        {
            await s3.PutCORSConfigurationAsync(new PutCORSConfigurationRequest
            {
                BucketName = _options.BucketName,
                Configuration = new CORSConfiguration
                {
                    Rules =
                    [
                        new CORSRule
                        {
                            AllowedMethods = ["PUT", "GET", "HEAD"],
                            AllowedOrigins = [.. browserOrigins],
                            AllowedHeaders = ["*"],
                            ExposeHeaders = ["ETag"],
                            MaxAgeSeconds = 3000,
                        },
                    ],
                },
            }, cancellationToken);
        }
        catch (AmazonS3Exception e)
        {
            logger.LogInformation("The S3 endpoint did not take a CORS configuration ({Code}); configure it on the emulator instead", e.ErrorCode);
        }
    }
}
