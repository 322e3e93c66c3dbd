using Microsoft.Extensions.Options;

namespace SocialMedia.Api.Features.Images;

public sealed class StorageOptions
{
    public const string SectionName = "Storage";

    public string BucketName { get; set; } = "social-media-images";

    /// <summary>Base of <c>image_url</c> (the CloudFront domain in AWS). Default: the S3 endpoint and bucket.</summary>
    public string? PublicBaseUrl { get; set; }

    /// <summary>The S3 endpoint the API calls (LocalStack, s3rver); unset in AWS. Bound from <c>AWS_ENDPOINT_URL_S3</c>.</summary>
    public string? ServiceUrl { get; set; }

    /// <summary>
    /// The S3 endpoint as browsers reach it, for presigned uploads. SigV4 signs the host, so a URL
    /// signed for an internal name (a container's, say) cannot be rewritten afterwards. Default: <see cref="ServiceUrl"/>.
    /// </summary>
    public string? PublicServiceUrl { get; set; }

    /// <summary>How long an upload URL stays valid; the contract caps it at 15 minutes.</summary>
    public int UploadUrlLifetimeMinutes { get; set; } = 15;

    /// <summary>Create the bucket at start when it is missing (Development's default).</summary>
    public bool? CreateBucketOnStartup { get; set; }

    public string? Region { get; set; }
}

internal sealed class StorageOptionsSetup(IConfiguration configuration) : IPostConfigureOptions<StorageOptions>, IValidateOptions<StorageOptions>
{
    public void PostConfigure(string? name, StorageOptions options)
    {
        // The AWS SDK's own variable names, so the same environment serves the CLI and the API.
        options.ServiceUrl ??= NullIfEmpty(configuration["AWS_ENDPOINT_URL_S3"]) ?? NullIfEmpty(configuration["AWS_ENDPOINT_URL"]);
        options.PublicServiceUrl ??= options.ServiceUrl;
        options.Region ??= NullIfEmpty(configuration["AWS_REGION"]) ?? NullIfEmpty(configuration["AWS_DEFAULT_REGION"]) ?? "us-east-1";
        options.PublicBaseUrl = NullIfEmpty(options.PublicBaseUrl)?.TrimEnd('/')
            ?? (options.PublicServiceUrl is { } endpoint
                ? $"{endpoint.TrimEnd('/')}/{options.BucketName}"
                : $"https://{options.BucketName}.s3.{options.Region}.amazonaws.com");
    }

    public ValidateOptionsResult Validate(string? name, StorageOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.BucketName))
        {
            failures.Add("Storage:BucketName must be set.");
        }

        if (options.UploadUrlLifetimeMinutes is < 1 or > 15)
        {
            failures.Add("Storage:UploadUrlLifetimeMinutes must be 1 to 15.");
        }

        foreach (var (key, value) in new[] { ("AWS_ENDPOINT_URL_S3", options.ServiceUrl), ("Storage:PublicServiceUrl", options.PublicServiceUrl), ("Storage:PublicBaseUrl", options.PublicBaseUrl) })
        {
            if (value is not null && !Uri.TryCreate(value, UriKind.Absolute, out _))
            {
                failures.Add($"{key} must be an absolute URL.");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
