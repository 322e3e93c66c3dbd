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

namespace SocialMedia.Api.Features.Comments;

public static class CommentsApi
{
    public static RouteGroupBuilder MapComments(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1").WithTags("Comments").InFunctionGroup(FunctionGroup.Comments);

        group.MapGet("/posts/{post_id:guid}/comments", List)
            .ChecksRevocationWithItsQuery()
            .WithSummary("A post's comments, oldest first")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);

        group.MapPost("/posts/{post_id:guid}/comments", Create)
            .RequireAuthorization()
            .WithSummary("Comment on a post")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);

        group.MapDelete("/comments/{id:guid}", Delete)
            .RequireAuthorization()
            .WithSummary("Delete your own comment")
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);

        return group;
    }

    internal static async Task<Results<Ok<Page<CommentResponse>>, ProblemHttpResult>> List(
        [FromRoute(Name = "post_id")] Guid postId, [AsParameters] PageQuery query, HttpContext httpContext, SocialDbContext db, CancellationToken cancellationToken)
    {
        if (!query.TryParse(out var page, out var problem))
        {
            return problem!;
        }

        // Oldest first, keyset-paged on (created_at, id) as the index is; a literal LIMIT, as on the timeline.
        var sql = string.Create(CultureInfo.InvariantCulture, $"""
            SELECT c.id, c.content, c.user_id, u.username, u.avatar_url, c.created_at, c.updated_at
            FROM comments c JOIN users u ON u.id = c.user_id
            WHERE c.post_id = $1{(page.After is null ? "" : " AND (c.created_at, c.id) > ($2, $3)")}
            ORDER BY c.created_at, c.id
            LIMIT {page.Limit + 1}
            """);
        var rows = await db.QueryAsync(
            sql, HandWrittenSql.PostPage(postId, page),
            r => new CommentResponse(r.GetGuid(0), postId, r.GetString(1), new AuthorResponse(r.GetGuid(2), r.GetString(3), r.GetNullableString(4)), r.GetDateTime(5), r.GetDateTime(6)),
            cancellationToken, httpContext.Features.Get<DeferredRevocationCheck>(), page.Limit + 1);

        if (rows.Count == 0 && !await db.PostExistsAsync(postId, cancellationToken))
        {
            return Problems.NotFound("The post does not exist.");
        }

        return TypedResults.Ok(Page<CommentResponse>.From(rows, page.Limit, c => new Cursor(c.CreatedAt, c.Id), c => c));
    }

    internal static async Task<Results<Created<CommentResponse>, ProblemHttpResult>> Create(
        [FromRoute(Name = "post_id")] Guid postId, CreateCommentRequest request, ClaimsPrincipal principal,
        SocialDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (!TextContent.IsValid(request.Content))
        {
            return Problems.Validation("content", TextContent.Rule);
        }

        var userId = principal.GetUserId();
        var id = Guid.CreateVersion7();
        var now = clock.UtcNowMilliseconds();
        List<InsertedComment> inserted;
        try
        {
            // Row and counter in one statement; the author comes back with it (no second query).
            inserted = await db.QueryAsync(
                """
                WITH inserted AS (
                    INSERT INTO comments (id, post_id, user_id, content, created_at, updated_at)
                    SELECT $1, $2, $3, $4, $5, $5
                    WHERE EXISTS (SELECT 1 FROM posts WHERE id = $2)
                    RETURNING post_id
                ), bumped AS (
                    UPDATE posts SET comments_count = comments_count + 1
                    WHERE id IN (SELECT post_id FROM inserted)
                    RETURNING id
                )
                SELECT u.username, u.avatar_url FROM users u
                WHERE u.id = $3 AND EXISTS (SELECT 1 FROM bumped)
                """,
                [HandWrittenSql.Uuid(id), HandWrittenSql.Uuid(postId), HandWrittenSql.Uuid(userId), HandWrittenSql.Text(request.Content), HandWrittenSql.Time(now)],
                r => new InsertedComment(r.GetString(0), r.GetNullableString(1)),
                cancellationToken);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.ForeignKeyViolation)
        {
            inserted = [];
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            // Our own first attempt, committed (with its counter bump) before its answer was lost.
            inserted = await db.AuthorOfOwnRowAsync(OwnRow.Comment, id, userId, (name, avatar) => new InsertedComment(name, avatar), cancellationToken);
            if (inserted.Count == 0)
            {
                throw; // the primary key is the table's only unique index: nothing else to answer
            }
        }

        if (inserted.Count == 0)
        {
            return Problems.NotFound("The post does not exist.");
        }

        var comment = new CommentResponse(id, postId, request.Content!, new AuthorResponse(userId, inserted[0].Username, inserted[0].AvatarUrl), now, now);
        return TypedResults.Created((string?)null, comment);
    }

    internal static async Task<Results<NoContent, ProblemHttpResult>> Delete(
        Guid id, ClaimsPrincipal principal, SocialDbContext db, CancellationToken cancellationToken)
    {
        var userId = principal.GetUserId();
        var deleted = await db.Database.ExecuteSqlInterpolatedAsync(
            $"""
            WITH deleted AS (
                DELETE FROM comments WHERE id = {id} AND user_id = {userId} RETURNING post_id
            )
            UPDATE posts SET comments_count = comments_count - 1 WHERE id IN (SELECT post_id FROM deleted)
            """,
            cancellationToken);
        if (deleted == 0)
        {
            var (context, comment, ct) = (db, id, cancellationToken); // locals, not parameters, in a query: see SocialDbContext
            return await context.Comments.AnyAsync(c => c.Id == comment, ct)
                ? Problems.Forbidden("Only the author can delete this comment.")
                : Problems.NotFound("The comment does not exist.");
        }

        return TypedResults.NoContent();
    }
}
