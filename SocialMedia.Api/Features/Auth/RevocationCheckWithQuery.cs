using System.Data.Common;
using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Npgsql;
using SocialMedia.Api.Common;
using SocialMedia.Api.Data;

namespace SocialMedia.Api.Features.Auth;

/// <summary>
/// The revocation lookup of a read request, sent with the request's first query instead of on its
/// own: one round trip to PostgreSQL instead of two (bench/ measures the difference). Opt-in per
/// endpoint with <see cref="RevocationCheckWithQuery.ChecksRevocationWithItsQuery{TBuilder}"/>,
/// and only for GET, so nothing can have been written when a revoked token is found: every other
/// request still looks the token up in the bearer handler, before its endpoint runs.
/// </summary>
internal sealed class DeferredRevocationCheck(string jti)
{
    /// <summary>The lookup, the same statement whether it runs alone or in front of a query.</summary>
    internal const string Lookup = "SELECT EXISTS (SELECT 1 FROM revoked_tokens WHERE jti = $1)";

    public string Jti { get; } = jti;

    /// <summary>Null until the lookup has run.</summary>
    public bool? Revoked { get; private set; }

    /// <summary>
    /// Runs <paramref name="sql"/> in one batch behind the lookup of <paramref name="pending"/>
    /// (when there is one), records the lookup's answer, and returns the reader positioned at the
    /// query's own results. The one place the two statements are put together, for EF's queries
    /// (<see cref="RevocationCheckInterceptor"/>) and for hand-written ones alike.
    /// </summary>
    public static async Task<NpgsqlDataReader> ExecuteReaderAsync(
        DeferredRevocationCheck? pending, NpgsqlConnection connection, NpgsqlTransaction? transaction,
        string sql, IEnumerable<NpgsqlParameter> parameters, int timeoutSeconds, CancellationToken cancellationToken)
    {
        var batch = new NpgsqlBatch(connection, transaction);
        if (timeoutSeconds > 0)
        {
            batch.Timeout = timeoutSeconds;
        }

        if (pending is not null)
        {
            var lookup = new NpgsqlBatchCommand(Lookup);
            lookup.Parameters.Add(HandWrittenSql.Text(pending.Jti));
            batch.BatchCommands.Add(lookup);
        }

        var query = new NpgsqlBatchCommand(sql);
        foreach (var parameter in parameters)
        {
            // Cloned: a parameter belongs to one command, and a retry builds its batch again.
            query.Parameters.Add(parameter.Clone());
        }

        batch.BatchCommands.Add(query);
        var reader = await batch.ExecuteReaderAsync(cancellationToken);
        if (pending is not null)
        {
            await reader.ReadAsync(cancellationToken);
            pending.Revoked = reader.GetBoolean(0);
            await reader.NextResultAsync(cancellationToken);
        }

        return reader;
    }
}

internal static class RevocationCheckWithQuery
{
    private sealed class Marker;

    public static bool AppliesTo(HttpContext context) =>
        context.GetEndpoint()?.Metadata.GetMetadata<Marker>() is not null
        && (HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method));

    /// <summary>
    /// The endpoint's first query carries the revocation lookup, and its result is held back until
    /// the answer is known: a revoked token gets the bearer handler's own 401, as if the lookup had
    /// run first. An endpoint that returns before any query (a 422, say) looks the token up then.
    /// </summary>
    public static TBuilder ChecksRevocationWithItsQuery<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder
    {
        builder.WithMetadata(new Marker());
        builder.AddEndpointFilter(async (context, next) =>
        {
            var result = await next(context);
            var http = context.HttpContext;
            if (http.Features.Get<DeferredRevocationCheck>() is not { } check)
            {
                return result;
            }

            var revoked = check.Revoked
                ?? await http.RequestServices.GetRequiredService<TokenRevocations>().IsRevokedAsync(check.Jti, http.RequestAborted);
            // Public endpoints answer a revoked token as they answer no token (the bearer handler's
            // failure leaves the request anonymous); those that need a caller refuse it.
            if (!revoked || http.GetEndpoint()?.Metadata.GetMetadata<IAuthorizeData>() is null)
            {
                return result;
            }

            http.Response.Headers.WWWAuthenticate = "Bearer error=\"invalid_token\"";
            return Problems.Unauthorized("The token has been revoked.");
        });
        return builder;
    }
}

/// <summary>
/// Puts a pending <see cref="DeferredRevocationCheck"/> in front of the request's first query, as
/// one Npgsql batch (one round trip; both statements prepared like any other), and reads its answer
/// off the front of the results before EF Core reads the rest.
/// </summary>
internal sealed class RevocationCheckInterceptor(IHttpContextAccessor httpContextAccessor) : DbCommandInterceptor
{
    public override async ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        if (result.HasResult || command is not NpgsqlCommand query
            || httpContextAccessor.HttpContext?.Features.Get<DeferredRevocationCheck>() is not { Revoked: null } check)
        {
            return result;
        }

        var reader = await DeferredRevocationCheck.ExecuteReaderAsync(
            check, query.Connection!, query.Transaction, query.CommandText, query.Parameters, query.CommandTimeout, cancellationToken);
        // EF reads the query's rows from here on, as if it had executed the command itself.
        return InterceptionResult<DbDataReader>.SuppressWithResult(reader);
    }
}
