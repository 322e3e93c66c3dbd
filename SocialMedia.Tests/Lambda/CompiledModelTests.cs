using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using SocialMedia.Api.Data;
using SocialMedia.Api.Data.CompiledModels;

namespace SocialMedia.Tests.Lambda;

/// <summary>
/// The EF Core model is compiled into code (Data/CompiledModels, for cold start). A compiled model
/// that no longer matches the entity configuration would silently map the wrong columns, so this
/// compares it with the model built from the configuration. When it fails, regenerate it:
/// <c>dotnet ef dbcontext optimize --project SocialMedia.Api --output-dir Data/CompiledModels --namespace SocialMedia.Api.Data.CompiledModels</c>
/// </summary>
public sealed class CompiledModelTests
{
    [Fact]
    public void The_compiled_model_is_used_and_matches_the_entity_configuration()
    {
        using var db = new DesignTimeDbContextFactory().CreateDbContext([]);
        var compiled = db.Model;
        var configured = db.GetService<IDesignTimeModel>().Model;

        Assert.Same(SocialDbContextModel.Instance, compiled);
        Assert.Equal(Describe(configured), Describe(compiled));
    }

    private static string Describe(IModel model)
    {
        var text = new StringBuilder();
        foreach (var entity in model.GetEntityTypes().OrderBy(e => e.Name, StringComparer.Ordinal))
        {
            var table = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
            text.AppendLine(CultureInfo.InvariantCulture, $"{entity.Name} -> {table.DisplayName()}");
            foreach (var property in entity.GetProperties().OrderBy(p => p.Name, StringComparer.Ordinal))
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"  {property.Name}: {property.GetColumnName(table)} {property.ClrType.Name} null={property.IsNullable} max={property.GetMaxLength()} gen={property.ValueGenerated} type={property.FindRelationalTypeMapping()?.StoreType}");
            }

            foreach (var key in entity.GetKeys())
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"  key {string.Join(",", key.Properties.Select(p => p.Name))} primary={key.IsPrimaryKey()}");
            }

            foreach (var foreignKey in entity.GetForeignKeys())
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"  fk {string.Join(",", foreignKey.Properties.Select(p => p.Name))} -> {foreignKey.PrincipalEntityType.Name} {foreignKey.DeleteBehavior} {foreignKey.GetConstraintName()}");
            }

            foreach (var index in entity.GetIndexes())
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"  index {index.GetDatabaseName()} {string.Join(",", index.Properties.Select(p => p.Name))} unique={index.IsUnique} filter={index.GetFilter()}");
            }
        }

        return text.ToString();
    }
}
