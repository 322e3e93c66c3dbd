using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Npgsql;
using SocialMedia.Api.Data;
using SocialMedia.Api.Features.Auth;

namespace SocialMedia.Api.Infrastructure;

public sealed class DatabaseOptions
{
    public const string SectionName = "Database";

    /// <summary>Apply migrations at start. Default: true in Development only; deploys run <c>migrate</c> instead.</summary>
    public bool? MigrateOnStartup { get; set; }
}

internal static class DatabaseServiceCollectionExtensions
{
    /// <summary>The connection-string name, shared with the AppHost's database resource.</summary>
    public const string ConnectionName = ResourceNames.Database;

    public static IHostApplicationBuilder AddDatabase(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<DatabaseOptions>().BindConfiguration(DatabaseOptions.SectionName);
        // Read when the first context is made, not now: configuration added after this call
        // (test hosts, the Lambda host's secrets) still counts.
        builder.Services.AddDbContextPool<SocialDbContext>((services, options) => options
            .UseNpgsql(
                WithPoolingDefaults(services.GetRequiredService<IConfiguration>().GetConnectionString(ConnectionName)),
                npgsql => npgsql.EnableRetryOnFailure(maxRetryCount: 3))
            .UseSnakeCaseNamingConvention()
            .AddInterceptors(services.GetRequiredService<RevocationCheckInterceptor>())
            .ConfigureWarnings(LogFailedStatementsOnceWhereHandled));
        builder.Services.AddHealthChecks().AddDbContextCheck<SocialDbContext>("database");
        return builder;
    }

    /// <summary>
    /// EF Core logs every failed statement at Error, and SaveChanges or the query logs the same
    /// failure again. Most are answers, not faults: a name taken in a race is a 409, and the first
    /// migration of an empty database reads a history table that is not there yet
    /// (dotnet/efcore#37328). Those Error lines with SQL and stack trace would page whoever watches
    /// the logs. A failure the API does not answer still reaches ProblemExceptionHandler, which
    /// logs it once at Error with the request (and `migrate` logs its own, StartupTasks). A retry
    /// of a transient failure, invisible at EF's Information level in production, is a Warning.
    /// </summary>
    private static void LogFailedStatementsOnceWhereHandled(WarningsConfigurationBuilder warnings) =>
        warnings.Log(
            (RelationalEventId.CommandError, LogLevel.Debug),
            (CoreEventId.SaveChangesFailed, LogLevel.Debug),
            (CoreEventId.QueryIterationFailed, LogLevel.Debug),
            (CoreEventId.ExecutionStrategyRetrying, LogLevel.Warning));

    /// <summary>
    /// Npgsql settings for an app that sends the same few statements all day, applied unless the
    /// connection string sets them itself (bench/ measures what each is worth):
    /// <list type="bullet">
    /// <item><c>No Reset On Close</c>: the app keeps no session state (no SET, temporary tables,
    /// LISTEN or session locks), so the DISCARD ALL Npgsql would send before every reuse of a
    /// pooled connection only costs the server work (and would pin an RDS Proxy session).</item>
    /// <item><c>Max Auto Prepare</c>: a statement used a few times on a connection is prepared
    /// there, so PostgreSQL parses and plans it once instead of on every request.</item>
    /// </list>
    /// </summary>
    internal static string? WithPoolingDefaults(string? connectionString)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            return connectionString;
        }

        // The keys as written, spaces and case aside ("No Reset On Close", "NoResetOnClose"...).
        var written = new DbConnectionStringBuilder { ConnectionString = connectionString }.Keys.Cast<string>()
            .Select(k => k.Replace(" ", "", StringComparison.Ordinal).ToUpperInvariant())
            .ToHashSet();
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (!written.Contains("NORESETONCLOSE"))
        {
            builder.NoResetOnClose = true;
        }

        if (!written.Contains("MAXAUTOPREPARE"))
        {
            builder.MaxAutoPrepare = 50;
        }

        return builder.ConnectionString;
    }
}
