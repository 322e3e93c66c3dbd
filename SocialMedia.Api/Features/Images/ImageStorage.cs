using System.Net;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.Extensions.Options;
using SocialMedia.Api.Common;

namespace SocialMedia.Api.Features.Images;

public sealed record UploadTicket(string UploadUrl, string ImageKey, string ContentType, DateTime ExpiresAt);

public enum ImageCheck
{
    Ok,

    /// <summary>Ok, and copied to its image key by this very check: nothing refers to it yet.</summary>
    Attached,
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

    /// <summary>
    /// Where browsers upload: the object under this prefix is only a candidate. The bucket expires
    /// what stays here (a lifecycle rule: locally set by <see cref="EnsureBucketAsync"/>, in AWS by
    /// deploy/'s storage module), so uploads never attached to a post do not pile up; attaching
    /// copies the object out to its image key, which no upload URL can write to.
    /// </summary>
    public const string PendingPrefix = "uploads/";

    /// <summary>Days an unattached upload stays in <see cref="PendingPrefix"/> before the bucket removes it.</summary>
    public const int PendingExpirationDays = 1;

    public static string PendingKeyOf(string imageKey) => PendingPrefix + imageKey;

    public string UrlOf(string key) => $"{_options.PublicBaseUrl}/{key}";

    public async Task<UploadTicket> CreateUploadAsync(Guid userId, string contentType, string extension, long contentLength)
    {
        var key = ImageRules.NewKey(userId, extension);
        var expires = clock.GetUtcNow().UtcDateTime.AddMinutes(_options.UploadUrlLifetimeMinutes).TruncateTo(TimeSpan.TicksPerSecond);
        var request = new GetPreSignedUrlRequest
        {
            BucketName = _options.BucketName,
            Key = PendingKeyOf(key),
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

    /// <summary>
    /// The image behind a key is in place, with the type its key promises and an allowed size:
    /// already at its image key (a post holds it, or an earlier try of this request copied it), or
    /// uploaded and waiting under <see cref="PendingPrefix"/>. With <paramref name="attach"/>, a
    /// waiting upload is copied to the image key, so that what readers see is fixed from then on;
    /// without it (a request refused for another field) nothing is copied.
    /// </summary>
    public async Task<ImageCheck> CheckAsync(string key, string expectedContentType, bool attach, CancellationToken cancellationToken)
    {
        var placed = await HeadAsync(key, expectedContentType, cancellationToken);
        if (placed != ImageCheck.Missing)
        {
            return placed;
        }

        var pending = await HeadAsync(PendingKeyOf(key), expectedContentType, cancellationToken);
        if (pending != ImageCheck.Ok || !attach)
        {
            return pending;
        }

        await s3.CopyObjectAsync(new CopyObjectRequest
        {
            SourceBucket = _options.BucketName,
            SourceKey = PendingKeyOf(key),
            DestinationBucket = _options.BucketName,
            DestinationKey = key,
            MetadataDirective = S3MetadataDirective.COPY,
        }, cancellationToken);
        // The candidate has done its job; the lifecycle rule takes it if this fails.
        await DeleteQuietlyAsync(PendingKeyOf(key));
        return ImageCheck.Attached;
    }

    private async Task<ImageCheck> HeadAsync(string key, string expectedContentType, CancellationToken cancellationToken)
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

    /// <summary>Deletes an object; true when it is gone (deleting what is already gone succeeds).</summary>
    public async Task<bool> TryDeleteAsync(string key)
    {
        try
        {
            await s3.DeleteObjectAsync(_options.BucketName, key);
            return true;
        }
        catch (Exception e) when (e is AmazonServiceException or HttpRequestException or TaskCanceledException or IOException)
        {
            logger.LogWarning(e, "Could not delete image object {Key}; it stays queued for the sweeper", key);
            return false;
        }
    }

    /// <summary>Best effort, for an upload candidate: a failure is logged, and the pending prefix's expiration rule is the backstop.</summary>
    private async Task DeleteQuietlyAsync(string key)
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

        try
        {
            await s3.PutLifecycleConfigurationAsync(new PutLifecycleConfigurationRequest
            {
                BucketName = _options.BucketName,
                Configuration = new LifecycleConfiguration
                {
                    Rules =
                    [
                        new LifecycleRule
                        {
                            Id = "expire-unattached-uploads",
                            Status = LifecycleRuleStatus.Enabled,
                            Filter = new LifecycleFilter { LifecycleFilterPredicate = new LifecyclePrefixPredicate { Prefix = PendingPrefix } },
                            Expiration = new LifecycleRuleExpiration { Days = PendingExpirationDays },
                        },
                    ],
                },
            }, cancellationToken);
        }
        catch (AmazonS3Exception e)
        {
            // s3rver keeps no lifecycle rules: locally, unattached uploads stay until .data/s3rver is removed.
            logger.LogInformation("The S3 endpoint did not take a lifecycle configuration ({Code}); unattached uploads will not expire there", e.ErrorCode);
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
