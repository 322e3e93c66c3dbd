using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using SocialMedia.Api.Common;
using SocialMedia.Api.Data;
using SocialMedia.Api.Features.Auth;
using SocialMedia.Api.Features.Posts;
using SocialMedia.Api.Features.Users;

namespace SocialMedia.Api.Features.Likes;

public static class LikesApi
{
    public static RouteGroupBuilder MapLikes(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/posts/{post_id:guid}/likes").WithTags("Likes").InFunctionGroup(FunctionGroup.Likes);

        group.MapPost("", Like)
            .RequireAuthorization()
            .WithSummary("Like a post (201); liking again changes nothing (200)")
            .Produces<LikeStateResponse>(StatusCodes.Status200OK)
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapDelete("", Unlike)
            .RequireAuthorization()
            .WithSummary("Take a like back; also 200 when there was none")
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapGet("", List)
            .ChecksRevocationWithItsQuery()
            .WithSummary("Who liked a post, newest first")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);

        return group;
    }

    internal static async Task<Results<Created<LikeStateResponse>, Ok<LikeStateResponse>, ProblemHttpResult>> Like(
        [FromRoute(Name = "post_id")] Guid postId, ClaimsPrincipal principal, SocialDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        var userId = principal.GetUserId();
        var now = clock.UtcNowMilliseconds();
        var likeId = Guid.CreateVersion7();
        List<LikeOutcome> outcome;
        try
        {
            // One atomic statement: the unique (user_id, post_id) index makes a repeated like a
            // no-op, and the counter moves by exactly the number of rows inserted, in the database.
            outcome = await db.QueryAsync(
                """
                WITH inserted AS (
                    INSERT INTO likes (id, user_id, post_id, created_at)
                    SELECT $1, $2, $3, $4
                    WHERE EXISTS (SELECT 1 FROM posts WHERE id = $3)
                    ON CONFLICT (user_id, post_id) DO NOTHING
                    RETURNING 1
                ), bumped AS (
                    UPDATE posts SET likes_count = likes_count + 1
                    WHERE id = $3 AND EXISTS (SELECT 1 FROM inserted)
                    RETURNING likes_count
                )
                SELECT coalesce((SELECT likes_count FROM bumped), p.likes_count) AS likes_count,
                       (SELECT count(*) FROM inserted)::int AS inserted
                FROM posts p WHERE p.id = $3
                """,
                [HandWrittenSql.Uuid(likeId), HandWrittenSql.Uuid(userId), HandWrittenSql.Uuid(postId), HandWrittenSql.Time(now)],
                ReadOutcome,
                cancellationToken);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.ForeignKeyViolation)
        {
            // The post was deleted between the EXISTS and the insert.
            outcome = [];
        }

        if (outcome.Count == 0)
        {
            return Problems.NotFound("The post does not exist.");
        }

        var state = new LikeStateResponse(postId, true, outcome[0].LikesCount);
        return outcome[0].Inserted == 1 ? TypedResults.Created((string?)null, state) : TypedResults.Ok(state);
    }

    internal static async Task<Results<Ok<LikeStateResponse>, ProblemHttpResult>> Unlike(
        [FromRoute(Name = "post_id")] Guid postId, ClaimsPrincipal principal, SocialDbContext db, CancellationToken cancellationToken)
    {
        var userId = principal.GetUserId();
        var outcome = await db.QueryAsync(
            """
            WITH deleted AS (
                DELETE FROM likes WHERE user_id = $1 AND post_id = $2 RETURNING 1
            ), lowered AS (
                UPDATE posts SET likes_count = likes_count - 1
                WHERE id = $2 AND EXISTS (SELECT 1 FROM deleted)
                RETURNING likes_count
            )
            SELECT coalesce((SELECT likes_count FROM lowered), p.likes_count) AS likes_count,
                   (SELECT count(*) FROM deleted)::int AS inserted
            FROM posts p WHERE p.id = $2
            """,
            [HandWrittenSql.Uuid(userId), HandWrittenSql.Uuid(postId)],
            ReadOutcome,
            cancellationToken);
        return outcome.Count == 0
            ? Problems.NotFound("The post does not exist.")
            : TypedResults.Ok(new LikeStateResponse(postId, false, outcome[0].LikesCount));
    }

    internal static async Task<Results<Ok<Page<LikeResponse>>, ProblemHttpResult>> List(
        [FromRoute(Name = "post_id")] Guid postId, [AsParameters] PageQuery query, HttpContext httpContext, SocialDbContext db, CancellationToken cancellationToken)
    {
        if (!query.TryParse(out var page, out var problem))
        {
            return problem!;
        }

        // Newest first, keyset-paged on (created_at, id) as the index is; a literal LIMIT, as on the timeline.
        var sql = string.Create(CultureInfo.InvariantCulture, $"""
            SELECT l.id, l.created_at, u.username, l.user_id, u.avatar_url
            FROM likes l JOIN users u ON u.id = l.user_id
            WHERE l.post_id = $1{(page.After is null ? "" : " AND (l.created_at, l.id) < ($2, $3)")}
            ORDER BY l.created_at DESC, l.id DESC
            LIMIT {page.Limit + 1}
            """);
        var rows = await db.QueryAsync(
            sql, HandWrittenSql.PostPage(postId, page),
            r => (Id: r.GetGuid(0), CreatedAt: r.GetDateTime(1), Username: r.GetString(2), UserId: r.GetGuid(3), AvatarUrl: r.GetNullableString(4)),
            cancellationToken, httpContext.Features.Get<DeferredRevocationCheck>(), page.Limit + 1);

        // An empty page is the only case where "no likes" and "no post" look alike.
        if (rows.Count == 0 && !await db.PostExistsAsync(postId, cancellationToken))
        {
            return Problems.NotFound("The post does not exist.");
        }

        return TypedResults.Ok(Page<LikeResponse>.From(rows, page.Limit,
            r => new Cursor(r.CreatedAt, r.Id),
            r => new LikeResponse(new AuthorResponse(r.UserId, r.Username, r.AvatarUrl), r.CreatedAt)));
    }

    private static LikeOutcome ReadOutcome(NpgsqlDataReader reader) => new(reader.GetInt32(0), reader.GetInt32(1));
}
