using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using SocialMedia.Api.Common;
using SocialMedia.Api.Data;
using SocialMedia.Api.Features.Auth;
using SocialMedia.Api.Features.Images;
using SocialMedia.Api.Infrastructure;

namespace SocialMedia.Api.Features.Posts;

public static class PostsApi
{
    public static RouteGroupBuilder MapPosts(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/posts").WithTags("Posts").InFunctionGroup(FunctionGroup.Posts);

        group.MapGet("", List)
            .RequireAuthorization(AuthorizationPolicies.OptionalBearer)
            .ChecksRevocationWithItsQuery()
            .WithSummary("The timeline, newest first; author_id narrows it to one author")
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);

        group.MapPost("", Create)
            .RequireAuthorization()
            .WithSummary("Publish a post, optionally with an image uploaded through upload-url")
            .ProducesHeader(StatusCodes.Status201Created, "Location", "The new post's URL: /api/v1/posts/{id}.")
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);

        group.MapGet("/{id:guid}", Get)
            .RequireAuthorization(AuthorizationPolicies.OptionalBearer)
            .ChecksRevocationWithItsQuery()
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

    internal static async Task<Results<Ok<Page<PostResponse>>, ProblemHttpResult>> List(
        [AsParameters] PageQuery query, [FromQuery(Name = "author_id")] string? authorId, HttpContext httpContext,
        SocialDbContext db, ImageStorage images, CancellationToken cancellationToken)
    {
        if (!query.TryParse(out var page, out var problem))
        {
            return problem!;
        }

        Guid? author = null;
        if (authorId is not null)
        {
            if (!Guid.TryParse(authorId, out var parsed))
            {
                return Problems.Validation("author_id", "must be a user id (UUID)");
            }

            author = parsed;
        }

        var rows = await db.PageAsync(author, page, httpContext.User.FindUserId(), httpContext.Features.Get<DeferredRevocationCheck>(), cancellationToken);
        return TypedResults.Ok(Page<PostResponse>.From(rows, page.Limit, r => r.Position, r => r.ToResponse(images)));
    }

    internal static async Task<Results<Ok<PostResponse>, ProblemHttpResult>> Get(
        Guid id, ClaimsPrincipal principal, SocialDbContext db, ImageStorage images, CancellationToken cancellationToken)
    {
        var row = await db.FindRowAsync(id, principal.FindUserId(), cancellationToken);
        return row is null ? Problems.NotFound("The post does not exist.") : TypedResults.Ok(row.ToResponse(images));
    }

    internal static async Task<Results<Created<PostResponse>, ProblemHttpResult>> Create(
        CreatePostRequest request, ClaimsPrincipal principal, SocialDbContext db, ImageStorage images, TimeProvider clock, CancellationToken cancellationToken)
    {
        var userId = principal.GetUserId();
        var errors = new ValidationErrors();
        if (!TextContent.IsValid(request.Content))
        {
            errors.Add("content", TextContent.Rule);
        }

        if (request.ImageKey is not null && await CheckImageKeyAsync(request.ImageKey, userId, images, cancellationToken) is { } imageError)
        {
            errors.Add("image_key", imageError);
        }

        if (!errors.IsEmpty)
        {
            return Problems.Validation(errors.ToDictionary());
        }

        var id = Guid.CreateVersion7();
        var now = clock.UtcNowMilliseconds();
        List<PostAuthor> author;
        try
        {
            // The row and its author in one round trip (the counters start at their defaults, 0).
            author = await db.QueryAsync(
                """
                WITH inserted AS (
                    INSERT INTO posts (id, user_id, content, image_key, created_at, updated_at)
                    VALUES ($1, $2, $3, $4, $5, $5)
                    RETURNING user_id
                )
                SELECT u.username, u.avatar_url FROM users u JOIN inserted i ON u.id = i.user_id
                """,
                [HandWrittenSql.Uuid(id), HandWrittenSql.Uuid(userId), HandWrittenSql.Text(request.Content), HandWrittenSql.Text(request.ImageKey), HandWrittenSql.Time(now)],
                r => new PostAuthor(r.GetString(0), r.GetNullableString(1)),
                cancellationToken);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            // Our own first attempt, committed before its answer was lost; otherwise another post
            // holds the image.
            author = await db.AuthorOfOwnRowAsync(OwnRow.Post, id, userId, (name, avatar) => new PostAuthor(name, avatar), cancellationToken);
            if (author.Count == 0)
            {
                return ImageKeyTaken();
            }
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.ForeignKeyViolation)
        {
            // A signature-valid token whose account is gone (a reset development database, say).
            return Problems.Unauthorized("The account of this token no longer exists.");
        }

        var response = new PostResponse(id, request.Content!, request.ImageKey is null ? null : images.UrlOf(request.ImageKey), request.ImageKey,
            0, 0, false, new Users.AuthorResponse(userId, author[0].Username, author[0].AvatarUrl), now, now);
        return TypedResults.Created($"/api/v1/posts/{id}", response);
    }

    internal static async Task<Results<Ok<PostResponse>, ProblemHttpResult>> Update(
        Guid id, UpdatePostRequest request, ClaimsPrincipal principal, SocialDbContext db, ImageStorage images, TimeProvider clock, CancellationToken cancellationToken)
    {
        var userId = principal.GetUserId();
        var (context, postId, ct) = (db, id, cancellationToken); // locals, not parameters, in a query: see SocialDbContext
        var post = await context.Posts.FirstOrDefaultAsync(p => p.Id == postId, ct);
        if (post is null)
        {
            return Problems.NotFound("The post does not exist.");
        }

        if (post.UserId != userId)
        {
            return Problems.Forbidden("Only the author can edit this post.");
        }

        var errors = new ValidationErrors();
        if (request.Content is null && !request.HasImageKey)
        {
            errors.Add("content", "give content, image_key or both");
        }

        if (request.Content is not null && !TextContent.IsValid(request.Content))
        {
            errors.Add("content", TextContent.Rule);
        }

        var replacesImage = request.HasImageKey && request.ImageKey != post.ImageKey;
        if (replacesImage && request.ImageKey is not null && await CheckImageKeyAsync(request.ImageKey, userId, images, cancellationToken) is { } imageError)
        {
            errors.Add("image_key", imageError);
        }

        if (!errors.IsEmpty)
        {
            return Problems.Validation(errors.ToDictionary());
        }

        var oldImage = post.ImageKey;
        post.Content = request.Content ?? post.Content;
        if (replacesImage)
        {
            post.ImageKey = request.ImageKey;
        }

        post.UpdatedAt = clock.UtcNowMilliseconds();
        if (await TrySaveAsync(db, cancellationToken) is { } saveProblem)
        {
            return saveProblem;
        }

        if (replacesImage && oldImage is not null)
        {
            await images.DeleteQuietlyAsync(oldImage);
        }

        var row = await db.FindRowAsync(id, userId, cancellationToken);
        return row is null ? Problems.NotFound("The post does not exist.") : TypedResults.Ok(row.ToResponse(images));
    }

    internal static async Task<Results<NoContent, ProblemHttpResult>> Delete(
        Guid id, ClaimsPrincipal principal, SocialDbContext db, ImageStorage images, CancellationToken cancellationToken)
    {
        var userId = principal.GetUserId();
        // Ownership in the WHERE clause: the check and the delete are one statement.
        // Likes and comments go with the row through ON DELETE CASCADE.
        var deleted = await db.QueryAsync(
            "DELETE FROM posts WHERE id = $1 AND user_id = $2 RETURNING image_key",
            [HandWrittenSql.Uuid(id), HandWrittenSql.Uuid(userId)],
            r => r.GetNullableString(0),
            cancellationToken);
        if (deleted.Count == 0)
        {
            return await db.PostExistsAsync(id, cancellationToken)
                ? Problems.Forbidden("Only the author can delete this post.")
                : Problems.NotFound("The post does not exist.");
        }

        if (deleted[0] is { } imageKey)
        {
            await images.DeleteQuietlyAsync(imageKey);
        }

        return TypedResults.NoContent();
    }

    internal static async Task<Results<Created<UploadUrlResponse>, ProblemHttpResult>> CreateUploadUrl(
        UploadUrlRequest request, ClaimsPrincipal principal, ImageStorage images)
    {
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

        var ticket = await images.CreateUploadAsync(principal.GetUserId(), request.ContentType!, extension, request.ContentLength!.Value);
        return TypedResults.Created((string?)null, new UploadUrlResponse(
            ticket.UploadUrl, "PUT", new Dictionary<string, string> { ["Content-Type"] = ticket.ContentType }, ticket.ImageKey, ticket.ExpiresAt));
    }

    private static async Task<string?> CheckImageKeyAsync(string key, Guid userId, ImageStorage images, CancellationToken cancellationToken)
    {
        if (!ImageRules.IsKeyOf(key, userId, out var contentType))
        {
            return "must be a key that upload-url issued to you";
        }

        return await images.CheckAsync(key, contentType, cancellationToken) switch
        {
            ImageCheck.Ok => null,
            ImageCheck.Missing => "no image has been uploaded under this key",
            _ => $"the uploaded object must be a {contentType} image of at most {ImageRules.MaxBytes} bytes",
        };
    }

    private static async Task<ProblemHttpResult?> TrySaveAsync(SocialDbContext db, CancellationToken cancellationToken)
    {
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return null;
        }
        catch (DbUpdateException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            return ImageKeyTaken();
        }
    }

    // The only unique index a post write can hit: the image belongs to another post.
    private static ProblemHttpResult ImageKeyTaken() => Problems.Validation("image_key", "is already used by another post");
}
