using System.Text.Json;
using System.Text.Json.Serialization;
using SocialMedia.Hosting.Lambda;

namespace SocialMedia.Api.Database;

/// <summary>
/// <c>_HANDLER=migrate</c>: the release's migration step as a Lambda function. It migrates inside
/// the invocation, not during Init, so it has the function's whole timeout rather than Init's
/// ten seconds, and the caller (deploy.sh) waits for its answer: the migrations applied, or the
/// invocation's error. Running it twice is harmless; the script is idempotent and a lock keeps
/// two runs from overlapping.
/// </summary>
internal sealed class MigrationHandler(Migrations migrations, AppRole appRole, Microsoft.Extensions.Options.IOptions<AppRoleOptions> role, ILogger<MigrationHandler> logger) : ILambdaHandler
{
    /// <summary>The <c>_HANDLER</c> value of the migrate function (deploy/ sets it).</summary>
    public const string HandlerName = "migrate";

    public async Task<byte[]> HandleAsync(LambdaInvocation invocation, CancellationToken cancellationToken)
    {
        var applied = await migrations.ApplyAsync(cancellationToken);
        await appRole.EnsureAsync(role.Value, cancellationToken);
        logger.LogInformation("Database migrated");
        return JsonSerializer.SerializeToUtf8Bytes(new MigrationResult(applied), MigrationJsonContext.Default.MigrationResult);
    }
}

internal sealed record MigrationResult([property: JsonPropertyName("applied")] IReadOnlyList<string> Applied);

[JsonSerializable(typeof(MigrationResult))]
internal sealed partial class MigrationJsonContext : JsonSerializerContext;
