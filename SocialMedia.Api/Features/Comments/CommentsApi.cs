using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using SocialMedia.Api.Common;
using SocialMedia.Api.Data;
using SocialMedia.Api.Features.Auth;
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
        [FromRoute(Name = "post_id")] Guid postId, [AsParameters] PageQuery query, SocialDbContext db, CancellationToken cancellationToken)
    {
        if (!query.TryParse(out var page, out var problem))
        {
            return problem!;
        }

        var comments = db.Comments.AsNoTracking().Where(c => c.PostId == postId);
        if (page.After is { } after)
        {
            comments = comments.Where(c => EF.Functions.GreaterThan(ValueTuple.Create(c.CreatedAt, c.Id), ValueTuple.Create(after.CreatedAt, after.Id)));
        }

        var rows = await comments
            .OrderBy(c => c.CreatedAt).ThenBy(c => c.Id)
            .Take(page.Limit + 1)
            .Select(c => new CommentResponse(c.Id, c.PostId, c.Content, new AuthorResponse(c.UserId, c.User.Username, c.User.AvatarUrl), c.CreatedAt, c.UpdatedAt))
            .ToListAsync(cancellationToken);

        if (rows.Count == 0 && !await db.Posts.AnyAsync(p => p.Id == postId, cancellationToken))
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
            inserted = await db.Database.SqlQuery<InsertedComment>(
                $"""
                WITH inserted AS (
                    INSERT INTO comments (id, post_id, user_id, content, created_at, updated_at)
                    SELECT {id}, {postId}, {userId}, {request.Content}, {now}, {now}
                    WHERE EXISTS (SELECT 1 FROM posts WHERE id = {postId})
                    RETURNING post_id
                ), bumped AS (
                    UPDATE posts SET comments_count = comments_count + 1
                    WHERE id IN (SELECT post_id FROM inserted)
                    RETURNING id
                )
                SELECT u.username, u.avatar_url FROM users u
                WHERE u.id = {userId} AND EXISTS (SELECT 1 FROM bumped)
                """).ToListAsync(cancellationToken);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.ForeignKeyViolation)
        {
            inserted = [];
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
            return await db.Comments.AnyAsync(c => c.Id == id, cancellationToken)
                ? Problems.Forbidden("Only the author can delete this comment.")
                : Problems.NotFound("The comment does not exist.");
        }

        return TypedResults.NoContent();
    }
}
