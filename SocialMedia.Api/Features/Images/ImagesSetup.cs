using Amazon;
using Amazon.Runtime;
using Amazon.S3;
using Microsoft.Extensions.Options;
using SocialMedia.Api.Infrastructure;

namespace SocialMedia.Api.Features.Images;

internal static class ImagesSetup
{
    /// <summary>
    /// The bucket (its options and clients), the storage checks and the image deletion queue. The
    /// process that serves the API sweeps the queue, wherever it runs; the authorizer and migrate
    /// functions do not.
    /// </summary>
    public static IHostApplicationBuilder AddImages(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<StorageOptions>().BindConfiguration(StorageOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IPostConfigureOptions<StorageOptions>, StorageOptionsSetup>();
        services.AddSingleton<IValidateOptions<StorageOptions>, StorageOptionsSetup>();

        services.AddKeyedSingleton<IAmazonS3>(ImageStorage.InternalClient, (sp, _) =>
        {
            var options = sp.GetRequiredService<IOptions<StorageOptions>>().Value;
            return CreateClient(sp.GetRequiredService<IConfiguration>(), CreateConfig(options, options.ServiceUrl));
        });
        services.AddKeyedSingleton<IAmazonS3>(ImageStorage.PublicClient, (sp, _) =>
        {
            var options = sp.GetRequiredService<IOptions<StorageOptions>>().Value;
            return CreateClient(sp.GetRequiredService<IConfiguration>(), CreateConfig(options, options.PublicServiceUrl));
        });
        services.AddSingleton<ImageStorage>();

        services.AddOptions<ImageDeletionOptions>().BindConfiguration(ImageDeletionOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ImageDeletionOptions>, ImageDeletionOptionsValidator>();
        services.AddSingleton<ImageDeletionStore>();
        services.AddSingleton<ImageDeleter>();
        services.AddSingleton<ImageDeletionSweeper>();
        if (builder.Configuration.ServesHttp())
        {
            services.AddHostedService(sp => sp.GetRequiredService<ImageDeletionSweeper>());
        }

        return builder;
    }

    /// <summary>
    /// The SDK's standard variable names, read through configuration (environment variables are
    /// part of it), so that a test host or appsettings can supply them too; otherwise the SDK's
    /// own chain (Lambda's role, instance profiles, ~/.aws).
    /// </summary>
    private static AmazonS3Client CreateClient(IConfiguration configuration, AmazonS3Config config)
    {
        var accessKey = configuration["AWS_ACCESS_KEY_ID"];
        var secretKey = configuration["AWS_SECRET_ACCESS_KEY"];
        if (string.IsNullOrEmpty(accessKey) || string.IsNullOrEmpty(secretKey))
        {
            return new AmazonS3Client(config);
        }

        var sessionToken = configuration["AWS_SESSION_TOKEN"];
        AWSCredentials credentials = string.IsNullOrEmpty(sessionToken)
            ? new BasicAWSCredentials(accessKey, secretKey)
            : new SessionAWSCredentials(accessKey, secretKey, sessionToken);
        return new AmazonS3Client(credentials, config);
    }

    private static AmazonS3Config CreateConfig(StorageOptions options, string? serviceUrl)
    {
        var config = new AmazonS3Config
        {
            // SDK v4 adds CRC checksums to every upload by default; S3 emulators reject or
            // mis-sign them, and presigned URLs would demand them from browsers.
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
            RegionEndpoint = RegionEndpoint.GetBySystemName(options.Region),
        };
        if (serviceUrl is not null)
        {
            config.ServiceURL = serviceUrl;
            config.AuthenticationRegion = options.Region;
            // Emulators serve buckets as paths, not as subdomains.
            config.ForcePathStyle = true;
        }

        return config;
    }
}
