using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using SocialMedia.Api.Common;
using SocialMedia.Api.Features.Auth;
using SocialMedia.Api.Features.Images;
using SocialMedia.Api.Infrastructure;

namespace SocialMedia.Api.Features.Posts;

public static class PostsApi
{
    public static IHostApplicationBuilder AddPosts(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<PostStore>();
        return builder;
    }

    public static RouteGroupBuilder MapPosts(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/posts").WithTags("Posts").InFunctionGroup(FunctionGroup.Posts);

        group.MapGet("", List)
            .RequireAuthorization(AuthorizationPolicies.OptionalBearer)
            .WithSummary("The timeline, newest first; author_id narrows it to one author")
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);

        group.MapPost("", Create)
            .RequireAuthorization()
            .WithSummary("Publish a post, optionally with an image uploaded through upload-url")
            .ProducesHeader(StatusCodes.Status201Created, "Location", "The new post's URL: /api/v1/posts/{id}.")
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);

        group.MapGet("/{id:guid}", Get)
            .RequireAuthorization(AuthorizationPolicies.OptionalBearer)
            .WithSummary("One post")
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapPut("/{id:guid}", Update)
            .RequireAuthorization()
            .WithSummary("Edit your own post; \"image_key\": null removes its image")
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);

        group.MapDelete("/{id:guid}", Delete)
            .RequireAuthorization()
            .WithSummary("Delete your own post, with its likes, comments and image")
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapPost("/upload-url", CreateUploadUrl)
            .RequireAuthorization()
            .WithSummary("A presigned PUT URL for one image, bound to its type and length, valid 15 minutes")
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);

        return group;
    }

    internal static async Task<Results<JsonOk<Page<PostResponse>>, ProblemHttpResult>> List(
        [AsParameters] PageQuery query, [FromQuery(Name = "author_id")] string? authorId, HttpContext httpContext,
        PostStore posts, AuthStore auth, ImageStorage images, CancellationToken cancellationToken)
    {
        if (!query.TryParse(out var page, out var problem))
        {
            return await auth.UnlessRevokedAsync(httpContext, problem!);
        }

        Guid? author = null;
        if (authorId is not null)
        {
            if (!Guid.TryParse(authorId, out var parsed))
            {
                return await auth.UnlessRevokedAsync(httpContext, Problems.Validation("author_id", "must be a user id (UUID)"));
            }

            author = parsed;
        }

        var result = await posts.PageAsync(author, page, httpContext.User.FindCaller(), cancellationToken);
        return result.Revoked
            ? RevokedToken.Refuse(httpContext)
            : JsonResults.Ok(Page<PostResponse>.From(result.Rows, page.Limit, r => r.Position, r => r.ToResponse(images)));
    }

    internal static async Task<Results<JsonOk<PostResponse>, ProblemHttpResult>> Get(
        Guid id, HttpContext httpContext, PostStore posts, ImageStorage images, CancellationToken cancellationToken)
    {
        var result = await posts.FindAsync(id, httpContext.User.FindCaller(), cancellationToken);
        return result.Outcome switch
        {
            PostOutcome.Done => JsonResults.Ok(result.Row!.ToResponse(images)),
            PostOutcome.Revoked => RevokedToken.Refuse(httpContext),
            _ => Problems.NotFound("The post does not exist."),
        };
    }

    internal static async Task<Results<JsonCreated<PostResponse>, ProblemHttpResult>> Create(
        CreatePostRequest request, HttpContext httpContext, PostStore posts, AuthStore auth, ImageStorage images, TimeProvider clock,
        CancellationToken cancellationToken)
    {
        var caller = httpContext.User.GetCaller();
        var errors = new ValidationErrors();
        if (TextContent.Check(request.Content) is { } contentError)
        {
            errors.Add("content", contentError);
        }

        // Attached (copied out of the upload area) only when nothing else refuses the request.
        var image = await CheckImageKeyAsync(request.ImageKey, caller.UserId, images, errors.IsEmpty, cancellationToken);
        if (image.Error is { } imageError)
        {
            errors.Add("image_key", imageError);
        }

        if (!errors.IsEmpty)
        {
            return await auth.UnlessRevokedAsync(httpContext, Problems.Validation(errors.ToDictionary()));
        }

        var post = new NewPost(Guid.CreateVersion7(), caller, request.Content!, request.ImageKey, clock.UtcNowMilliseconds());
        var result = await posts.CreateAsync(post, cancellationToken);
        if (result.Outcome != PostOutcome.Done)
        {
            await image.UndoAsync(images);
        }

        switch (result.Outcome)
        {
            case PostOutcome.Revoked:
                return RevokedToken.Refuse(httpContext);
            case PostOutcome.ImageKeyTaken:
                return ImageKeyTaken();
            case PostOutcome.AccountGone:
                return Problems.Unauthorized("The account of this token no longer exists.");
            default:
                var author = result.Author!;
                var response = new PostResponse(post.Id, post.Content, post.ImageKey is null ? null : images.UrlOf(post.ImageKey), post.ImageKey,
                    0, 0, false, new Users.AuthorResponse(caller.UserId, author.Username, author.AvatarUrl), post.Now, post.Now);
                return JsonResults.Created($"/api/v1/posts/{post.Id}", response);
        }
    }

    internal static async Task<Results<JsonOk<PostResponse>, ProblemHttpResult>> Update(
        Guid id, UpdatePostRequest request, HttpContext httpContext, PostStore posts, ImageStorage images, ImageDeleter deleter, TimeProvider clock,
        CancellationToken cancellationToken)
    {
        var caller = httpContext.User.GetCaller();
        var errors = new ValidationErrors();
        if (request.Content is null && !request.HasImageKey)
        {
            errors.Add("content", "give content, image_key or both");
        }

        if (request.Content is not null && TextContent.Check(request.Content) is { } contentError)
        {
            errors.Add("content", contentError);
        }

        var image = await CheckImageKeyAsync(request.ImageKey, caller.UserId, images, errors.IsEmpty, cancellationToken);
        if (image.Error is { } imageError)
        {
            errors.Add("image_key", imageError);
        }

        if (!errors.IsEmpty)
        {
            // Someone else's post, or none, is answered as such before what is wrong with the body.
            var owner = await posts.CheckOwnerAsync(id, caller, cancellationToken);
            return owner.Outcome == PostOutcome.Done ? Problems.Validation(errors.ToDictionary()) : Refusal(owner.Outcome, httpContext, "edit");
        }

        var result = await posts.UpdateAsync(new PostEdit(id, caller, request.Content, request.HasImageKey, request.ImageKey, clock.UtcNowMilliseconds()), cancellationToken);
        if (result.Outcome != PostOutcome.Done)
        {
            await image.UndoAsync(images);
            return Refusal(result.Outcome, httpContext, "edit");
        }

        if (result.ImageKey is { } oldImage && oldImage != result.Row!.ImageKey)
        {
            await deleter.DeleteNowAsync(oldImage);
        }

        return JsonResults.Ok(result.Row!.ToResponse(images));
    }

    internal static async Task<Results<NoContent, ProblemHttpResult>> Delete(
        Guid id, HttpContext httpContext, PostStore posts, ImageDeleter deleter, CancellationToken cancellationToken)
    {
        var result = await posts.DeleteAsync(id, httpContext.User.GetCaller(), cancellationToken);
        if (result.Outcome != PostOutcome.Done)
        {
            return Refusal(result.Outcome, httpContext, "delete");
        }

        if (result.ImageKey is { } imageKey)
        {
            await deleter.DeleteNowAsync(imageKey);
        }

        return TypedResults.NoContent();
    }

    internal static async Task<Results<JsonCreated<UploadUrlResponse>, ProblemHttpResult>> CreateUploadUrl(
        UploadUrlRequest request, HttpContext httpContext, AuthStore auth, ImageStorage images, CancellationToken cancellationToken)
    {
        // No statement of its own to carry the revocation lookup: the lookup is this request's one round trip.
        var caller = httpContext.User.GetCaller();
        if (await auth.IsRevokedAsync(caller.TokenId, cancellationToken))
        {
            return RevokedToken.Refuse(httpContext);
        }

        var errors = new ValidationErrors();
        if (!ImageRules.TryGetExtension(request.ContentType, out var extension))
        {
            errors.Add("content_type", "must be one of " + string.Join(", ", ImageRules.AllowedContentTypes));
        }

        if (request.ContentLength is not (>= 1 and <= ImageRules.MaxBytes))
        {
            errors.Add("content_length", $"must be 1 to {ImageRules.MaxBytes} bytes");
        }

        if (!errors.IsEmpty)
        {
            return Problems.Validation(errors.ToDictionary());
        }

        var ticket = await images.CreateUploadAsync(caller.UserId, request.ContentType!, extension, request.ContentLength!.Value);
        return JsonResults.Created(null, new UploadUrlResponse(
            ticket.UploadUrl, "PUT", new Dictionary<string, string> { ["Content-Type"] = ticket.ContentType }, ticket.ImageKey, ticket.ExpiresAt));
    }

    /// <summary>The answer to a post the caller may not change: a revoked token, no such post, or someone else's.</summary>
    private static ProblemHttpResult Refusal(PostOutcome outcome, HttpContext httpContext, string verb) => outcome switch
    {
        PostOutcome.Revoked => RevokedToken.Refuse(httpContext),
        PostOutcome.NotOwner => Problems.Forbidden($"Only the author can {verb} this post."),
        PostOutcome.ImageKeyTaken => ImageKeyTaken(),
        _ => Problems.NotFound("The post does not exist."),
    };

    private static async Task<ImageAttachment> CheckImageKeyAsync(string? key, Guid userId, ImageStorage images, bool attach, CancellationToken cancellationToken)
    {
        if (key is null)
        {
            return default;
        }

        if (!ImageRules.IsKeyOf(key, userId, out var contentType))
        {
            return new("must be a key that upload-url issued to you");
        }

        return await images.CheckAsync(key, contentType, attach, cancellationToken) switch
        {
            ImageCheck.Ok => default,
            ImageCheck.Attached => new(null, key),
            ImageCheck.Missing => new("no image has been uploaded under this key"),
            _ => new($"the uploaded object must be a {contentType} image of at most {ImageRules.MaxBytes} bytes"),
        };
    }

    /// <summary>
    /// What checking a request's image key came to: an error for the field, or the key this request
    /// copied out of the upload area (<see cref="CopiedKey"/>), which only this request knows of.
    /// </summary>
    private readonly record struct ImageAttachment(string? Error, string? CopiedKey = null)
    {
        /// <summary>The post was not written (someone else's, gone, revoked): the copy would be referred to by nothing.</summary>
        public async Task UndoAsync(ImageStorage images)
        {
            if (CopiedKey is not null)
            {
                await images.TryDeleteAsync(CopiedKey);
            }
        }
    }

    // The only unique index a post write can hit besides its id: the image belongs to another post.
    private static ProblemHttpResult ImageKeyTaken() => Problems.Validation("image_key", "is already used by another post");
}
