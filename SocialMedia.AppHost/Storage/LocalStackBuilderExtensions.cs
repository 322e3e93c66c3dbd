using SocialMedia.AppHost.LocalInfra;

namespace SocialMedia.AppHost.Storage;

public static class LocalStackBuilderExtensions
{
    // LocalStack accepts any credentials; "test" is its documented convention.
    private const string Credentials = "test";

    /// <summary>
    /// LocalStack with S3 only, healthy when <c>/_localstack/health</c> answers. The API creates the
    /// images bucket and its CORS rule itself at start (Development).
    /// </summary>
    public static S3Emulator AddLocalStackS3(this IDistributedApplicationBuilder builder, int? port)
    {
        var image = ContainerImages.LocalStack;
        var localstack = builder.AddContainer(S3Emulator.ResourceName, image.Image, image.Tag)
            .WithImageRegistry(image.Registry)
            .WithHttpEndpoint(port: port, targetPort: 4566, name: S3Emulator.EndpointName)
            .WithEnvironment("SERVICES", "s3")
            .WithHttpHealthCheck("/_localstack/health", endpointName: S3Emulator.EndpointName)
            .WithIconName("Storage");
        return new S3Emulator(localstack, localstack.GetEndpoint(S3Emulator.EndpointName), Credentials, Credentials);
    }
}
