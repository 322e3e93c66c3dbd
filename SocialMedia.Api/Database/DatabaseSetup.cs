using System.Data.Common;
using Npgsql;
using Polly;
using Polly.Retry;
using SocialMedia.Hosting.Lambda;

namespace SocialMedia.Api.Database;

/// <summary>
/// The one way the API reaches PostgreSQL at run time: one <see cref="NpgsqlDataSource"/> (its
/// connection pool), the statements of each feature's store run through <see cref="Postgres"/>,
/// and transient failures retried by a Polly pipeline. EF Core is not part of the running API; it
/// only generates the migration script (SocialMedia.Schema, docs/decisions).
/// </summary>
internal static class DatabaseSetup
{
    /// <summary>The connection-string name, shared with the AppHost's database resource.</summary>
    public const string ConnectionName = ResourceNames.Database;

    public static IHostApplicationBuilder AddDatabase(this IHostApplicationBuilder builder)
    {
        // The connection string is read when the data source is first made, not now: configuration
        // added after this call (test hosts) still counts. Npgsql.DependencyInjection gives the
        // data source the app's logger factory and disposes it with the host.
        builder.Services.AddNpgsqlDataSource("", (services, dataSource) =>
        {
            dataSource.ConnectionStringBuilder.ConnectionString =
                WithPoolingDefaults(services.GetRequiredService<IConfiguration>().GetConnectionString(ConnectionName)) ?? "";
            // The first connection of a process would otherwise read the server's type catalog: a
            // round trip and a large answer on every Lambda cold start. Npgsql knows PostgreSQL's
            // built-in types without it, and the schema uses only those (a schema test holds it to
            // them); a schema that adds an enum, a domain or an extension's type turns this back on.
            dataSource.ConfigureTypeLoading(types => types.EnableTypeLoading(false));
        });
        builder.Services.AddSingleton<Postgres>();
        builder.Services.AddSingleton<Migrations>();
        builder.Services.AddSingleton<AppRole>();
        builder.Services.AddOptions<AppRoleOptions>().BindConfiguration(AppRoleOptions.SectionName).ValidateOnStart();
        // /health: ready while the data source gets an answer to SELECT 1.
        builder.Services.AddHealthChecks().AddNpgSql(name: "database");
        // `migrate` as a Lambda function (deploy/): the same migrations, run by the release.
        builder.Services.AddLambdaHandler<MigrationHandler>(MigrationHandler.HandlerName);
        return builder;
    }

    /// <summary>
    /// Opens the pool's first connection on another thread while the host starts, so that the
    /// first request finds one open: making the data source and the server's start of a new
    /// session (a process forked, the sign-in) overlap with building the middleware and the routes
    /// instead of following them, which is most of what the first request of a Lambda cold start
    /// waited for (docs/lambda.md). Best effort: whatever goes wrong here (the database not up yet,
    /// a host stopped at once) only means the first request opens its own connection and reports
    /// the failure as it would have anyway; a request that comes before this open completes opens
    /// its own too, and the pool closes the spare once it has been idle a while.
    /// </summary>
    public static void OpenFirstConnectionInBackground(this IHost app)
    {
        var services = app.Services;
        // Resolved now: the task may outlive the container (a start that fails, a test host).
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(DatabaseSetup).FullName!);
        var stopping = services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
        _ = Task.Run(async () =>
        {
            try
            {
                // The statement runner first, so that its retry pipeline is built here: Polly
                // validates the retry options by reflection, slow in Native AOT, and whatever needs
                // the runner next (a hosted service, the first request) finds it made.
                services.GetRequiredService<Postgres>();
                await using var connection = await services.GetRequiredService<NpgsqlDataSource>().OpenConnectionAsync(stopping);
            }
            catch (Exception e) when (e is ObjectDisposedException or OperationCanceledException)
            {
                // The host stopped first; nothing is waiting for this connection.
            }
            catch (Exception e)
            {
                logger.LogDebug(e, "The first database connection was not opened ahead of the first request");
            }
        }, CancellationToken.None);
    }

    /// <summary>
    /// Retries a statement whose failure Npgsql calls transient: a broken connection (an answer
    /// lost with it included), a failover, a server that is starting or out of connections. Each
    /// retry runs the whole statement again on a fresh connection, so every store's statement is
    /// written to be safe to run twice (an id made by the request, ON CONFLICT, a counter that moves
    /// with the row it counts). A few tries within a few seconds: long enough for a restart or a
    /// proxy's failover, short enough for a client still waiting.
    /// </summary>
    internal static ResiliencePipeline TransientFailureRetries(ILogger logger) => new ResiliencePipelineBuilder()
        .AddRetry(new RetryStrategyOptions
        {
            ShouldHandle = new PredicateBuilder().Handle<NpgsqlException>(e => e.IsTransient).Handle<TimeoutException>(),
            MaxRetryAttempts = 3,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = TimeSpan.FromMilliseconds(500),
            OnRetry = retry =>
            {
                logger.LogWarning(retry.Outcome.Exception, "Retrying a database statement after a transient failure (retry {Retry})", retry.AttemptNumber + 1);
                return default;
            },
        })
        .Build();

    /// <summary>
    /// Npgsql settings for an app that sends the same few statements all day, applied unless the
    /// connection string sets them itself (bench/ measures what each is worth):
    /// <list type="bullet">
    /// <item><c>No Reset On Close</c>: the app keeps no session state (no SET, temporary tables,
    /// LISTEN or session locks), so the DISCARD ALL Npgsql would send before every reuse of a
    /// pooled connection only costs the server work (and would pin an RDS Proxy session).</item>
    /// <item><c>Max Auto Prepare</c>: a statement used a few times on a connection is prepared
    /// there, so PostgreSQL parses and plans it once instead of on every request.</item>
    /// <item><c>GSS Encryption Mode</c> off (unless <c>PGGSSENCMODE</c> is set): the API signs in
    /// with a password, never Kerberos, and with the default Npgsql loads the system's Kerberos
    /// libraries and looks for a ticket before every new connection (a cold start's first one
    /// included).</item>
    /// <item><c>Enlist</c> off: no statement runs in a <c>TransactionScope</c>, and with the default
    /// every open asks System.Transactions for an ambient transaction.</item>
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

        if (!written.Contains("GSSENCRYPTIONMODE") && Environment.GetEnvironmentVariable("PGGSSENCMODE") is null)
        {
            builder.GssEncryptionMode = GssEncryptionMode.Disable;
        }

        if (!written.Contains("ENLIST"))
        {
            builder.Enlist = false;
        }

        return builder.ConnectionString;
    }
}
