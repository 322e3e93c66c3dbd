namespace SocialMedia.AppHost.Storage;

/// <summary>The S3 emulator of either mode, as the API needs to see it.</summary>
public sealed record S3Emulator(IResourceBuilder<IResourceWithEndpoints> Resource, EndpointReference Endpoint, string AccessKeyId, string SecretAccessKey)
{
    public const string ResourceName = "s3";
    public const string EndpointName = "http";

    /// <summary>The images bucket; the API is told this name, so both sides agree.</summary>
    public const string ImagesBucket = "social-media-images";
}
