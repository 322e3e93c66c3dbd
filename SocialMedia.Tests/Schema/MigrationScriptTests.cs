using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using SocialMedia.Api.Database;
using SocialMedia.Api.Features.Auth;
using SocialMedia.Schema;

namespace SocialMedia.Tests.Schema;

/// <summary>
/// The API runs the migration script it carries (SocialMedia.Api/Database/migrations.sql), never
/// EF Core. These hold that script to the EF model of SocialMedia.Schema. When one fails, add the
/// migration and regenerate the script as README.md says ("Changing the schema"):
/// <c>dotnet ef migrations script --idempotent --project SocialMedia.Schema --output SocialMedia.Api/Database/migrations.sql</c>
/// </summary>
public sealed class MigrationScriptTests
{
    [Fact]
    public void The_checked_in_script_is_what_the_migrations_generate()
    {
        using var db = new DesignTimeDbContextFactory().CreateDbContext([]);
        var generated = db.GetService<IMigrator>().GenerateScript(options: MigrationsSqlGenerationOptions.Idempotent);

        Assert.Equal(Normalized(generated), Normalized(Migrations.Script));
    }

    [Fact]
    public void The_model_has_no_change_without_its_migration()
    {
        using var db = new DesignTimeDbContextFactory().CreateDbContext([]);

        Assert.False(db.Database.HasPendingModelChanges(), "The EF model differs from the last migration's snapshot: add a migration (dotnet ef migrations add <Name> --project SocialMedia.Schema), then regenerate the script.");
    }

    [Fact]
    public void The_script_lists_every_migration_once_in_order()
    {
        using var db = new DesignTimeDbContextFactory().CreateDbContext([]);

        Assert.Equal(db.Database.GetMigrations(), Migrations.MigrationIds);
    }

    [Theory]
    [InlineData(AuthStore.EmailUniqueIndex)]
    [InlineData(AuthStore.UsernameUniqueIndex)]
    public void The_unique_indexes_registration_tells_apart_are_in_the_script(string index) =>
        Assert.Contains($"CREATE UNIQUE INDEX {index} ON users", Migrations.Script, StringComparison.Ordinal);

    /// <summary>
    /// The API's data source does not load types from the catalog (DatabaseSetup, for the cold
    /// start): Npgsql then knows only PostgreSQL's built-in types. A column of an enum, a domain or
    /// an extension's type would fail at its first read, so the schema is held to the built-in ones.
    /// </summary>
    [Fact]
    public void Every_column_has_a_type_Npgsql_knows_without_reading_the_catalog()
    {
        using var db = new DesignTimeDbContextFactory().CreateDbContext([]);
        string[] builtIn = ["uuid", "text", "character varying", "integer", "bigint", "smallint", "boolean", "timestamp with time zone", "bytea", "jsonb"];

        var columns = db.Model.GetRelationalModel().Tables
            .SelectMany(t => t.Columns.Select(c => (Column: $"{t.Name}.{c.Name}", Type: c.StoreType)))
            .ToList();

        Assert.NotEmpty(columns);
        Assert.All(columns, c => Assert.Contains(c.Type.Split('(')[0].Trim(), builtIn));
    }

    // `dotnet ef` writes the file with a byte-order mark; git may check it out with CRLF.
    private static string Normalized(string script) => script.TrimStart('\uFEFF').ReplaceLineEndings("\n").Trim();
}
