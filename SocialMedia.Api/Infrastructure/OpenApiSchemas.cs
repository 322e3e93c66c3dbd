using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;
using SocialMedia.Api.Common;
using SocialMedia.Api.Features.Auth;
using SocialMedia.Api.Features.Comments;
using SocialMedia.Api.Features.Images;
using SocialMedia.Api.Features.Likes;
using SocialMedia.Api.Features.Posts;
using SocialMedia.Api.Features.Users;

namespace SocialMedia.Api.Infrastructure;

/// <summary>
/// What the schemas of the OpenAPI document say beyond the C# types: the wire format where the
/// generator cannot see it (timestamps written by a converter, integers the reader would also take
/// as strings), the rules of each request field (which are required, their limits), and an example
/// of every wire type, built from the C# records and serialized as the API serializes them.
/// </summary>
internal static class OpenApiSchemas
{
    private const string ContentRule =
        "1 to 280 characters, counted as a person sees them (an emoji is one), and not only whitespace; at most 4,000 bytes of UTF-8; " +
        "no control characters other than tab and newline. Stored as given: escape it when you render it as HTML.";

    private sealed record FieldRule(string Description, bool Required = false, bool Nullable = false, Action<OpenApiSchema>? Constrain = null, string? ExampleError = null);

    /// <summary>The request fields, as the handlers validate them (the numbers come from the same constants).</summary>
    private static readonly Dictionary<(Type, string), FieldRule> s_requestFields = new()
    {
        [(typeof(RegisterRequest), "email")] = new(
            $"A valid email address of at most {RegisterRequest.MaxEmailLength} characters; unique, compared case-insensitively.", Required: true,
            Constrain: s => (s.Format, s.MaxLength) = ("email", RegisterRequest.MaxEmailLength),
            ExampleError: $"must be a valid email address of at most {RegisterRequest.MaxEmailLength} characters"),
        [(typeof(RegisterRequest), "password")] = new(
            $"{RegisterRequest.MinPasswordBytes} to {RegisterRequest.MaxPasswordBytes} bytes of UTF-8 (bcrypt's limit). Never returned.", Required: true,
            Constrain: s => s.MaxLength = RegisterRequest.MaxPasswordBytes),
        [(typeof(RegisterRequest), "username")] = new(
            "3 to 50 letters, digits or underscores; unique, compared case-insensitively.", Required: true,
            Constrain: s => s.Pattern = RegisterRequest.UsernameRegex),
        [(typeof(RegisterRequest), "bio")] = new(
            $"At most {RegisterRequest.MaxBioLength} characters.", Nullable: true,
            Constrain: s => s.MaxLength = RegisterRequest.MaxBioLength),
        [(typeof(LoginRequest), "email")] = new("The address the account was registered with (any case).", Required: true, ExampleError: "is required"),
        [(typeof(LoginRequest), "password")] = new("The account's password.", Required: true),
        [(typeof(CreatePostRequest), "content")] = new(ContentRule, Required: true, Constrain: s => s.MinLength = 1, ExampleError: TextContent.Rule),
        [(typeof(CreatePostRequest), "image_key")] = new(
            "The image_key that POST /api/v1/posts/upload-url gave you, after the image was PUT to its upload_url. Leave it out for a post without an image.",
            Nullable: true),
        [(typeof(UpdatePostRequest), "content")] = new("The new text; leave it out to keep the old one. " + ContentRule, Constrain: s => s.MinLength = 1, ExampleError: TextContent.Rule),
        [(typeof(UpdatePostRequest), "image_key")] = new(
            "A new image_key from upload-url to replace the image, or null to remove it; leave it out to keep the image.", Nullable: true),
        [(typeof(UploadUrlRequest), "content_type")] = new(
            "The image's type; the upload must send exactly this Content-Type.", Required: true,
            Constrain: s => s.Enum = [.. ImageRules.AllowedContentTypes.Select(t => (JsonNode)JsonValue.Create(t))],
            ExampleError: "must be one of " + string.Join(", ", ImageRules.AllowedContentTypes)),
        [(typeof(UploadUrlRequest), "content_length")] = new(
            "The image's exact size in bytes; the upload must have exactly this length.", Required: true,
            Constrain: s => (s.Minimum, s.Maximum) = ("1", $"{ImageRules.MaxBytes}")),
        [(typeof(CreateCommentRequest), "content")] = new(ContentRule, Required: true, Constrain: s => s.MinLength = 1, ExampleError: TextContent.Rule),
    };

    private static readonly Dictionary<(Type, string), string> s_responseFields = new()
    {
        [(typeof(PostResponse), "image_url")] = "Where the image can be loaded from (an <img> src); null when the post has no image.",
        [(typeof(PostResponse), "image_key")] = "The image's key in the bucket; send it back in PUT to keep the image. Null when the post has no image.",
        [(typeof(PostResponse), "liked_by_me")] = "Whether the caller likes the post; false without a token.",
        [(typeof(PostResponse), "likes_count")] = "The exact number of likes.",
        [(typeof(PostResponse), "comments_count")] = "The exact number of comments.",
        [(typeof(UploadUrlResponse), "upload_url")] = "PUT the image's bytes here, directly (not through the API), before expires_at.",
        [(typeof(UploadUrlResponse), "headers")] = "Send exactly these headers with the PUT: the URL is signed for them and for content_length.",
        [(typeof(UploadUrlResponse), "image_key")] = "Give this to POST /api/v1/posts (or PUT /api/v1/posts/{id}) once the upload succeeded.",
        [(typeof(Page<>), "next_cursor")] = "Pass it as cursor to get the next page; null on the last page.",
        [(typeof(TokenResponse), "token")] = "Send it as Authorization: Bearer <token>.",
        [(typeof(TokenResponse), "expires_at")] = "When the token stops working; sign in again then.",
    };

    private static readonly HashSet<Type> s_requestTypes = [.. s_requestFields.Keys.Select(k => k.Item1)];

    public static Task Transform(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        var type = context.JsonTypeInfo.Type;
        // UtcTimestamp has its own converter, which the generator cannot see through: on the wire it is
        // an ISO 8601 string.
        if (type == typeof(UtcTimestamp) || type == typeof(UtcTimestamp?))
        {
            schema.Type = JsonSchemaType.String | (type == typeof(UtcTimestamp?) ? JsonSchemaType.Null : 0);
            schema.Format = "date-time";
        }

        // The reader would also take "3" for 3 (the web defaults); the API writes, and wants, numbers.
        if (schema.Type is { } t && t.HasFlag(JsonSchemaType.Integer) && t.HasFlag(JsonSchemaType.String))
        {
            schema.Type = t & ~JsonSchemaType.String;
            schema.Pattern = null;
        }

        if (context.JsonPropertyInfo is { } property)
        {
            DescribeProperty(schema, property.DeclaringType, property.Name);
        }

        // Also for a property's type: a type first met as a property (AuthorResponse) becomes its component from that schema.
        DescribeType(schema, type, context.ApplicationServices);

        return Task.CompletedTask;
    }

    private static void DescribeProperty(OpenApiSchema schema, Type declaringType, string name)
    {
        if (s_requestFields.TryGetValue((declaringType, name), out var rule))
        {
            schema.Description = rule.Description;
            rule.Constrain?.Invoke(schema);
            // The request records take null for every field, so a missing one is a 422 naming it
            // rather than a 400 from the JSON reader; clients send null only where it means something.
            if (!rule.Nullable && schema.Type is { } t)
            {
                schema.Type = t & ~JsonSchemaType.Null;
            }
        }
        else if (s_responseFields.TryGetValue((declaringType.IsGenericType ? declaringType.GetGenericTypeDefinition() : declaringType, name), out var description))
        {
            schema.Description = description;
        }
    }

    private static void DescribeType(OpenApiSchema schema, Type type, IServiceProvider services)
    {
        if (s_requestTypes.Contains(type))
        {
            schema.Required = s_requestFields.Where(f => f.Key.Item1 == type && f.Value.Required).Select(f => f.Key.Item2).ToHashSet();
        }

        if (Example(type) is { } example)
        {
            var json = services.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
            var node = JsonSerializer.SerializeToNode(example, json.GetTypeInfo(type));
            if (type == typeof(UpdatePostRequest))
            {
                // Leaving image_key out keeps the image; the example should not remove it.
                node!.AsObject().Remove("image_key");
            }

            schema.Examples = [node!];
        }
    }

    /// <summary>A field error for the 409/422 examples: the first rule of the operation's body, or the page size of a list.</summary>
    public static (string Field, string Message)? ExampleFieldError(int status, OpenApiOperation operation, OpenApiOperationTransformerContext context)
    {
        if (status == StatusCodes.Status409Conflict)
        {
            return ("email", "is already taken");
        }

        var body = context.Description.ParameterDescriptions.FirstOrDefault(p => p.Source == BindingSource.Body)?.Type;
        if (body is not null && s_requestFields.FirstOrDefault(f => f.Key.Item1 == body && f.Value.ExampleError is not null) is { Value: not null } field)
        {
            return (field.Key.Item2, field.Value.ExampleError!);
        }

        return operation.Parameters?.Any(p => p.Name == "limit") == true
            ? ("limit", $"must be an integer from 1 to {PageQuery.MaxLimit}")
            : null;
    }

    private static readonly Guid s_alice = Guid.Parse("0193a5d2-7c4e-7b1a-9f3e-2d8c4b6a1e50");
    private static readonly Guid s_bob = Guid.Parse("0193a5d3-1f20-7c55-8a0b-6e7d2c9f4b31");
    private static readonly Guid s_post = Guid.Parse("0193a5e0-42d1-7e0c-b7aa-5f3c1d8e9a22");
    private static readonly Guid s_comment = Guid.Parse("0193a5e4-9b3c-7f21-a5d8-0c6e2b7f1d93");
    private static readonly DateTime s_at = new(2026, 11, 28, 16, 45, 0, 123, DateTimeKind.Utc);
    private static readonly string s_imageKey = $"posts/{s_alice}/3f2b9c1e-8d4a-4e6f-9b7c-2a1d5e8f0c34.png";
    private const string ExampleBucketUrl = "http://localhost:4566/social-media-images/";

    private static object? Example(Type type)
    {
        var alice = new AuthorResponse(s_alice, "alice", null);
        var me = new MeResponse(s_alice, "alice", "Coffee, cats and code.", null, s_at.AddDays(-30), "alice@example.com", s_at.AddDays(-30));
        var post = new PostResponse(s_post, "Hello from the park 🌳", ExampleBucketUrl + s_imageKey, s_imageKey, 3, 1, false, alice, s_at, s_at);
        var comment = new CommentResponse(s_comment, s_post, "Lovely picture!", new AuthorResponse(s_bob, "bob", null), s_at.AddMinutes(5), s_at.AddMinutes(5));
        var like = new LikeResponse(new AuthorResponse(s_bob, "bob", null), s_at.AddMinutes(2));
        return type switch
        {
            _ when type == typeof(RegisterRequest) => new RegisterRequest("alice@example.com", "correct horse battery", "alice", "Coffee, cats and code."),
            _ when type == typeof(LoginRequest) => new LoginRequest("alice@example.com", "correct horse battery"),
            _ when type == typeof(TokenResponse) => new TokenResponse("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIwMTkzYTVkMiJ9.c2lnbmF0dXJl", "Bearer", s_at.AddHours(24), me),
            _ when type == typeof(MeResponse) => me,
            _ when type == typeof(AuthorResponse) => alice,
            _ when type == typeof(CreatePostRequest) => new CreatePostRequest("Hello from the park 🌳", s_imageKey),
            _ when type == typeof(UpdatePostRequest) => new UpdatePostRequest { Content = "Hello from the park 🌳 (edited)" },
            _ when type == typeof(PostResponse) => post,
            _ when type == typeof(Page<PostResponse>) => new Page<PostResponse>([post], new Cursor(post.CreatedAt, post.Id).Encode()),
            _ when type == typeof(UploadUrlRequest) => new UploadUrlRequest("image/png", 48213),
            _ when type == typeof(UploadUrlResponse) => new UploadUrlResponse(
                ExampleBucketUrl + s_imageKey + "?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=…&X-Amz-Date=20261128T164500Z&X-Amz-Expires=900&X-Amz-SignedHeaders=content-length%3Bcontent-type%3Bhost&X-Amz-Signature=…",
                "PUT", new Dictionary<string, string> { ["Content-Type"] = "image/png" }, s_imageKey, s_at.AddMinutes(15)),
            _ when type == typeof(LikeStateResponse) => new LikeStateResponse(s_post, true, 4),
            _ when type == typeof(LikeResponse) => like,
            _ when type == typeof(Page<LikeResponse>) => new Page<LikeResponse>([like], null),
            _ when type == typeof(CreateCommentRequest) => new CreateCommentRequest("Lovely picture!"),
            _ when type == typeof(CommentResponse) => comment,
            _ when type == typeof(Page<CommentResponse>) => new Page<CommentResponse>([comment], null),
            _ => null,
        };
    }
}
