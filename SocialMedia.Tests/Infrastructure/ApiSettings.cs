namespace SocialMedia.Tests.Infrastructure;

/// <summary>
/// The settings every API under test starts with, whichever host runs it (the test process,
/// its own process, a Lambda function): its database, bucket, emulator credentials and key.
/// Fixtures add what is theirs on top.
/// </summary>
public static class ApiSettings
{
    public static Dictionary<string, string?> For(string connectionString, S3rverServer s3, string bucketName) => new()
    {
        ["ConnectionStrings:socialdb"] = connectionString,
        ["Jwt:Secret"] = ApiFactory.JwtSecret,
        ["Storage:BucketName"] = bucketName,
        ["AWS_ENDPOINT_URL_S3"] = s3.Endpoint,
        ["AWS_ACCESS_KEY_ID"] = S3rverServer.AccessKey,
        ["AWS_SECRET_ACCESS_KEY"] = S3rverServer.SecretKey,
        ["AWS_REGION"] = S3rverServer.Region,
        // Tests register many accounts from one address; the registration limit is tested on its own.
        ["RateLimits:RegistrationsPerHour"] = "0",
    };

    /// <summary>The same settings as environment variables, which spell a section separator "__".</summary>
    public static Dictionary<string, string?> AsEnvironment(IEnumerable<KeyValuePair<string, string?>> settings) =>
        settings.ToDictionary(s => s.Key.Replace(":", "__", StringComparison.Ordinal), s => s.Value);

    public static Dictionary<string, string?> With(this Dictionary<string, string?> settings, IEnumerable<KeyValuePair<string, string?>> more)
    {
        foreach (var (key, value) in more)
        {
            settings[key] = value;
        }

        return settings;
    }
}
