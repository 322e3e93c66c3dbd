namespace SocialMedia.AppHost.Storage;

public static class LocalStackBuilderExtensions
{
    /// <summary>
    /// The last community image that starts without LOCALSTACK_AUTH_TOKEN; later tags need an account.
    /// Pinned so a pull months from now gets the same S3.
    /// </summary>
    public const string Image = "localstack/localstack";
    public const string Tag = "4.14.0";

    // LocalStack accepts any credentials; "test" is its documented convention.
    private const string Credentials = "test";

    /// <summary>
    /// LocalStack with S3 only, healthy when <c>/_localstack/health</c> answers. The API creates the
    /// images bucket and its CORS rule itself at start (Development).
    /// </summary>
    public static S3Emulator AddLocalStackS3(this IDistributedApplicationBuilder builder, int? port)
    {
        var localstack = builder.AddContainer(S3Emulator.ResourceName, Image, Tag)
            .WithHttpEndpoint(port: port, targetPort: 4566, name: S3Emulator.EndpointName)
            .WithEnvironment("SERVICES", "s3")
            .WithHttpHealthCheck("/_localstack/health", endpointName: S3Emulator.EndpointName)
            .WithIconName("Storage");
        return new S3Emulator(localstack, localstack.GetEndpoint(S3Emulator.EndpointName), Credentials, Credentials);
    }
}
