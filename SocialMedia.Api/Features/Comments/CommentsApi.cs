using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using SocialMedia.Api.Common;
using SocialMedia.Api.Features.Auth;

namespace SocialMedia.Api.Features.Comments;

public static class CommentsApi
{
    public static IHostApplicationBuilder AddComments(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<CommentStore>();
        return builder;
    }

    public static RouteGroupBuilder MapComments(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1").WithTags("Comments").InFunctionGroup(FunctionGroup.Comments);

        group.MapGet("/posts/{post_id:guid}/comments", List)
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

    /// <summary>Public: a token, valid or not, changes nothing about the answer, so none is looked up.</summary>
    internal static async Task<Results<JsonOk<Page<CommentResponse>>, ProblemHttpResult>> List(
        [FromRoute(Name = "post_id")] Guid postId, [AsParameters] PageQuery query, CommentStore comments, CancellationToken cancellationToken)
    {
        if (!query.TryParse(out var page, out var problem))
        {
            return problem!;
        }

        var result = await comments.PageAsync(postId, page, cancellationToken);
        return result.PostMissing
            ? Problems.NotFound("The post does not exist.")
            : JsonResults.Ok(Page<CommentResponse>.From(result.Rows, page.Limit, c => new Cursor(c.CreatedAt, c.Id), c => c));
    }

    internal static async Task<Results<JsonCreated<CommentResponse>, ProblemHttpResult>> Create(
        [FromRoute(Name = "post_id")] Guid postId, CreateCommentRequest request, HttpContext httpContext,
        CommentStore comments, AuthStore auth, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (TextContent.Check(request.Content) is { } contentError)
        {
            return await auth.UnlessRevokedAsync(httpContext, Problems.Validation("content", contentError));
        }

        var comment = new NewComment(Guid.CreateVersion7(), postId, httpContext.User.GetCaller(), request.Content!, clock.UtcNowMilliseconds());
        var result = await comments.CreateAsync(comment, cancellationToken);
        return result.Outcome switch
        {
            CommentOutcome.Done => JsonResults.Created(null, new CommentResponse(comment.Id, postId, comment.Content, result.Author!, comment.Now, comment.Now)),
            CommentOutcome.Revoked => RevokedToken.Refuse(httpContext),
            _ => Problems.NotFound("The post does not exist."),
        };
    }

    internal static async Task<Results<NoContent, ProblemHttpResult>> Delete(
        Guid id, HttpContext httpContext, CommentStore comments, CancellationToken cancellationToken)
    {
        var result = await comments.DeleteAsync(id, httpContext.User.GetCaller(), cancellationToken);
        return result.Outcome switch
        {
            CommentOutcome.Done => TypedResults.NoContent(),
            CommentOutcome.Revoked => RevokedToken.Refuse(httpContext),
            CommentOutcome.NotOwner => Problems.Forbidden("Only the author can delete this comment."),
            _ => Problems.NotFound("The comment does not exist."),
        };
    }
}
