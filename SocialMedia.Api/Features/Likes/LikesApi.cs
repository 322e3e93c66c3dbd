using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using SocialMedia.Api.Common;
using SocialMedia.Api.Features.Auth;

namespace SocialMedia.Api.Features.Likes;

public static class LikesApi
{
    public static IHostApplicationBuilder AddLikes(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<LikeStore>();
        return builder;
    }

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
            .WithSummary("Who liked a post, newest first")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);

        return group;
    }

    internal static async Task<Results<JsonCreated<LikeStateResponse>, JsonOk<LikeStateResponse>, ProblemHttpResult>> Like(
        [FromRoute(Name = "post_id")] Guid postId, HttpContext httpContext, LikeStore likes, TimeProvider clock, CancellationToken cancellationToken)
    {
        var result = await likes.LikeAsync(postId, httpContext.User.GetCaller(), Guid.CreateVersion7(), clock.UtcNowMilliseconds(), cancellationToken);
        return result.Outcome switch
        {
            LikeOutcome.Liked => JsonResults.Created(null, new LikeStateResponse(postId, true, result.LikesCount)),
            LikeOutcome.AlreadyLiked => JsonResults.Ok(new LikeStateResponse(postId, true, result.LikesCount)),
            LikeOutcome.Revoked => RevokedToken.Refuse(httpContext),
            _ => Problems.NotFound("The post does not exist."),
        };
    }

    internal static async Task<Results<JsonOk<LikeStateResponse>, ProblemHttpResult>> Unlike(
        [FromRoute(Name = "post_id")] Guid postId, HttpContext httpContext, LikeStore likes, CancellationToken cancellationToken)
    {
        var result = await likes.UnlikeAsync(postId, httpContext.User.GetCaller(), cancellationToken);
        return result.Outcome switch
        {
            LikeOutcome.Unliked => JsonResults.Ok(new LikeStateResponse(postId, false, result.LikesCount)),
            LikeOutcome.Revoked => RevokedToken.Refuse(httpContext),
            _ => Problems.NotFound("The post does not exist."),
        };
    }

    /// <summary>Public: a token, valid or not, changes nothing about the answer, so none is looked up.</summary>
    internal static async Task<Results<JsonOk<Page<LikeResponse>>, ProblemHttpResult>> List(
        [FromRoute(Name = "post_id")] Guid postId, [AsParameters] PageQuery query, LikeStore likes, CancellationToken cancellationToken)
    {
        if (!query.TryParse(out var page, out var problem))
        {
            return problem!;
        }

        var result = await likes.PageAsync(postId, page, cancellationToken);
        return result.PostMissing
            ? Problems.NotFound("The post does not exist.")
            : JsonResults.Ok(Page<LikeResponse>.From(result.Rows, page.Limit, r => r.Position, r => r.Like));
    }
}
