using System.Text.Json;
using Npgsql;
using SocialMedia.Api.Database;
using SocialMedia.Tests.Infrastructure;
using SocialMedia.Tests.Lambda.Support;

namespace SocialMedia.Tests.Lambda;

/// <summary>
/// The migrate function as deploy/ runs it (<c>_HANDLER=migrate</c>, Production, no JWT key at
/// all): it migrates inside the invocation and answers which migrations it applied.
/// </summary>
public sealed class LambdaMigrationTests
{
    [Fact]
    public async Task The_migrate_function_applies_the_migrations_in_its_invocation_and_needs_no_jwt_key()
    {
        var connectionString = await (await TestInfrastructure.GetPostgresAsync()).CreateEmptyDatabaseAsync();
        var appRole = "app_" + Guid.NewGuid().ToString("N")[..12];
        await using var runtime = await LambdaRuntimeEmulator.StartAsync();
        await using var function = ApiProcess.Start(new Dictionary<string, string?>
        {
            ["AWS_LAMBDA_RUNTIME_API"] = runtime.RuntimeApi,
            ["AWS_LAMBDA_FUNCTION_NAME"] = "social-media-migrate",
            ["_HANDLER"] = "migrate",
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["ConnectionStrings__socialdb"] = connectionString,
            ["Database__AppRole__Username"] = appRole,
        });

        var first = await runtime.InvokeAsync("{}", timeLimit: TimeSpan.FromMinutes(2));
        var second = await runtime.InvokeAsync("{}", timeLimit: TimeSpan.FromMinutes(2));

        Assert.False(first.IsError, first + function.Output);
        Assert.Equal(Migrations.MigrationIds, first.Json.GetProperty("applied").EnumerateArray().Select(e => e.GetString()!));
        Assert.False(second.IsError, second.ToString());
        Assert.Equal(JsonValueKind.Array, second.Json.GetProperty("applied").ValueKind);
        Assert.Empty(second.Json.GetProperty("applied").EnumerateArray());
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM \"__EFMigrationsHistory\"", connection);
        Assert.Equal((long)Migrations.MigrationIds.Count, (long)(await command.ExecuteScalarAsync())!);

        // The API's role: reads and writes rows, and nothing else.
        await using var app = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Username = appRole, Pooling = false }.ConnectionString);
        await app.OpenAsync();
        await ExecuteAsync(app, "INSERT INTO revoked_tokens (jti, expires_at) VALUES ('role-check', now())");
        await ExecuteAsync(app, "SELECT count(*) FROM posts");
        await ExecuteAsync(app, "DELETE FROM revoked_tokens WHERE jti = 'role-check'");
        foreach (var forbidden in new[] { "CREATE TABLE intruder (id int)", "DROP TABLE posts", "ALTER TABLE posts ADD COLUMN x int", "SELECT * FROM \"__EFMigrationsHistory\"", "CREATE ROLE other" })
        {
            var refused = await Assert.ThrowsAsync<PostgresException>(() => ExecuteAsync(app, forbidden));
            Assert.True(refused.SqlState is PostgresErrorCodes.InsufficientPrivilege, $"{forbidden}: {refused.SqlState}");
        }
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
