using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using Npgsql;
using Polly;
using Polly.Retry;

namespace SocialMedia.Api.Infrastructure;

/// <summary>
/// Secrets at cold start, never in environment variables: when <c>Jwt:SecretArn</c> or
/// <c>Database:CredentialsSecretArn</c> is set, their values are fetched from the AWS Parameters
/// and Secrets Lambda Extension (a local HTTP cache of Secrets Manager on port 2773) and put where
/// the rest of the app already looks: <c>Jwt:Secret</c>, and the credentials of
/// <c>ConnectionStrings:socialdb</c>. Hand-written because AWSSDK.SecretsManager is not available
/// to this project; shaped as a configuration source, like Amazon.Extensions.Configuration.SystemsManager.
/// </summary>
public static class SecretsExtensionConfiguration
{
    public const string JwtSecretArnKey = "Jwt:SecretArn";
    public const string DatabaseSecretArnKey = "Database:CredentialsSecretArn";
    public const string AppRoleSecretArnKey = "Database:AppCredentialsSecretArn";

    public static IConfigurationBuilder AddSecretsExtension(this IConfigurationManager configuration)
    {
        // Only the keys decide whether anything is fetched; everywhere else this adds nothing.
        var jwtArn = configuration[JwtSecretArnKey];
        var databaseArn = configuration[DatabaseSecretArnKey];
        var appRoleArn = configuration[AppRoleSecretArnKey];
        if (string.IsNullOrEmpty(jwtArn) && string.IsNullOrEmpty(databaseArn) && string.IsNullOrEmpty(appRoleArn))
        {
            return configuration;
        }

        var port = configuration["PARAMETERS_SECRETS_EXTENSION_HTTP_PORT"] ?? "2773";
        var token = configuration["AWS_SESSION_TOKEN"] ?? "";
        var connectionString = configuration.GetConnectionString(Database.DatabaseSetup.ConnectionName);
        return configuration.Add(new Source(new Uri($"http://localhost:{port}/"), token, jwtArn, databaseArn, appRoleArn, connectionString));
    }

    private sealed class Source(Uri extension, string token, string? jwtArn, string? databaseArn, string? appRoleArn, string? connectionString) : IConfigurationSource
    {
        public IConfigurationProvider Build(IConfigurationBuilder builder) => new Provider(extension, token, jwtArn, databaseArn, appRoleArn, connectionString);
    }

    private sealed class Provider(Uri extension, string token, string? jwtArn, string? databaseArn, string? appRoleArn, string? connectionString) : ConfigurationProvider
    {
        /// <summary>
        /// Lambda starts its extensions with the function, not before it: during Init the extension
        /// may not listen yet (connection refused) or may answer that it is not ready (400, 5xx).
        /// A few quick retries cover that, within a few seconds of Init's ten. A refusal that
        /// retrying cannot change (401/403: the token; 404: the secret) fails at once.
        /// </summary>
        private static readonly ResiliencePipeline s_untilReady = new ResiliencePipelineBuilder()
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<HttpRequestException>().Handle<TaskCanceledException>().Handle<ExtensionNotReadyException>(),
                MaxRetryAttempts = 8,
                BackoffType = DelayBackoffType.Exponential,
                Delay = TimeSpan.FromMilliseconds(50),
                MaxDelay = TimeSpan.FromSeconds(1),
                UseJitter = true,
            })
            .Build();

        public override void Load()
        {
            // Configuration loads synchronously; this runs once, at cold start, before anything listens.
            using var client = new HttpClient { BaseAddress = extension, Timeout = TimeSpan.FromSeconds(2) };
            client.DefaultRequestHeaders.Add("X-Aws-Parameters-Secrets-Token", token);
            if (!string.IsNullOrEmpty(jwtArn))
            {
                Data["Jwt:Secret"] = FetchAsync(client, jwtArn).GetAwaiter().GetResult();
            }

            if (!string.IsNullOrEmpty(databaseArn))
            {
                var credentials = JsonSerializer.Deserialize(FetchAsync(client, databaseArn).GetAwaiter().GetResult(), SecretsJsonContext.Default.DatabaseCredentials)
                    ?? throw new InvalidOperationException($"The secret {databaseArn} holds no database credentials.");
                Data[$"ConnectionStrings:{Database.DatabaseSetup.ConnectionName}"] =
                    new NpgsqlConnectionStringBuilder(connectionString) { Username = credentials.Username, Password = credentials.Password }.ConnectionString;
            }

            // The migrate function's: the API's own role, which it creates and whose password it sets.
            if (!string.IsNullOrEmpty(appRoleArn))
            {
                var role = JsonSerializer.Deserialize(FetchAsync(client, appRoleArn).GetAwaiter().GetResult(), SecretsJsonContext.Default.DatabaseCredentials)
                    ?? throw new InvalidOperationException($"The secret {appRoleArn} holds no database credentials.");
                Data[$"{Database.AppRoleOptions.SectionName}:Username"] = role.Username;
                Data[$"{Database.AppRoleOptions.SectionName}:Password"] = role.Password;
            }
        }

        private static Task<string> FetchAsync(HttpClient client, string secretId) =>
            s_untilReady.ExecuteAsync(static async (state, cancellationToken) =>
            {
                using var response = await state.client.GetAsync("secretsmanager/get?secretId=" + Uri.EscapeDataString(state.secretId), cancellationToken);
                if (!response.IsSuccessStatusCode)
                {
                    // The extension's body may echo request details; the status is enough to act on.
                    var message = string.Create(CultureInfo.InvariantCulture,
                        $"The Parameters and Secrets extension answered {(int)response.StatusCode} for secret {state.secretId}.");
                    throw (int)response.StatusCode is 400 or 429 or >= 500
                        ? new ExtensionNotReadyException(message)
                        : new InvalidOperationException(message);
                }

                var secret = await response.Content.ReadFromJsonAsync(SecretsJsonContext.Default.SecretValue, cancellationToken);
                return secret?.SecretString ?? throw new InvalidOperationException($"The secret {state.secretId} has no string value.");
            }, (client, secretId), CancellationToken.None).AsTask();
    }

    /// <summary>An answer that may change once the extension is ready; after the last retry, the start fails with it.</summary>
    private sealed class ExtensionNotReadyException(string message) : InvalidOperationException(message);

    internal sealed record SecretValue(string? SecretString);

    internal sealed record DatabaseCredentials(
        [property: JsonPropertyName("username")] string Username,
        [property: JsonPropertyName("password")] string Password);
}

[JsonSerializable(typeof(SecretsExtensionConfiguration.SecretValue))]
[JsonSerializable(typeof(SecretsExtensionConfiguration.DatabaseCredentials))]
internal sealed partial class SecretsJsonContext : JsonSerializerContext;
