using SocialMedia.AppHost.LocalInfra;

namespace SocialMedia.AppHost.Storage;

public static class S3rverBuilderExtensions
{
    // s3rver accepts any well-formed signature made with these.
    private const string Credentials = "S3RVER";

    /// <summary>
    /// s3rver (tools/s3rver, from npm) with its data in <paramref name="dataDirectory"/>, and the images
    /// bucket created at start with a CORS rule that lets a browser PUT from any origin. When
    /// tools/s3rver/node_modules is missing, an <c>npm ci</c> resource installs it first.
    /// </summary>
    public static S3Emulator AddS3rver(this IDistributedApplicationBuilder builder, string dataDirectory, int? port)
    {
        var toolDirectory = Path.GetFullPath(Path.Combine(builder.AppHostDirectory, "..", "tools", "s3rver"));
        var script = Path.Combine(toolDirectory, "node_modules", "s3rver", "bin", "s3rver.js");
        var corsFile = Path.Combine(builder.AppHostDirectory, "Storage", "s3rver-cors.xml");
        if (ExternalCommand.FindOnPath("node") is null)
        {
            throw new LocalInfraException("Processes mode runs the S3 emulator s3rver on Node.js, and node is not on PATH: install Node.js 18+ with npm (Debian/Ubuntu: apt-get install nodejs npm), or start Docker/Podman to use containers.");
        }

        var s3Data = Path.Combine(dataDirectory, "s3rver");
        Directory.CreateDirectory(s3Data);

        var s3 = builder.AddExecutable(S3Emulator.ResourceName, "node", toolDirectory)
            .WithHttpEndpoint(port: port, name: S3Emulator.EndpointName);
        var endpoint = s3.GetEndpoint(S3Emulator.EndpointName);
        s3.WithArgs(context =>
            {
                // CopyObject as the AWS SDK sends it (tools/s3rver/copy-source.cjs).
                context.Args.AddEach(["--require", Path.Combine(toolDirectory, "copy-source.cjs")]);
                context.Args.AddEach([script, "--directory", s3Data, "--address", "127.0.0.1", "--port"]);
                context.Args.Add(endpoint.Property(EndpointProperty.TargetPort));
                // Path-style only: "bucket.localhost" names do not resolve everywhere.
                context.Args.AddEach(["--no-vhost-buckets", "--configure-bucket", S3Emulator.ImagesBucket, corsFile]);
            })
            .WithHttpHealthCheck("/", endpointName: S3Emulator.EndpointName)
            .WithIconName("Storage");

        if (!File.Exists(script))
        {
            if (ExternalCommand.FindOnPath("npm") is null)
            {
                throw new LocalInfraException($"s3rver is not installed in {toolDirectory} and npm is not on PATH to install it: install npm (Debian/Ubuntu: apt-get install npm).");
            }

            // First run of a fresh clone: install s3rver from the lock file, visibly, before it starts.
            var install = builder.AddExecutable($"{S3Emulator.ResourceName}-install", "npm", toolDirectory, "ci", "--no-audit", "--no-fund")
                .WithParentRelationship(s3)
                .WithIconName("ArrowDownload");
            s3.WaitForCompletion(install);
        }

        return new S3Emulator(s3, endpoint, Credentials, Credentials);
    }
}
