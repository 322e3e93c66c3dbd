using SocialMedia.Api.Common;
using System.Text.Json.Serialization;
using SocialMedia.Api.Features.Users;

namespace SocialMedia.Api.Features.Posts;

public sealed record PostResponse(
    Guid Id,
    string Content,
    string? ImageUrl,
    string? ImageKey,
    int LikesCount,
    int CommentsCount,
    bool LikedByMe,
    AuthorResponse Author,
    UtcTimestamp CreatedAt,
    UtcTimestamp UpdatedAt);

public sealed record CreatePostRequest(string? Content, string? ImageKey);

/// <summary>
/// Both fields optional. <c>"image_key": null</c> removes the image; leaving the field out keeps it,
/// which is why the setter records whether the field was present at all.
/// </summary>
public sealed class UpdatePostRequest
{
    // Plain setters, not init: the JSON source generator sets init-only properties all at once
    // (absent ones as null), which would make every request look like it removes the image.
    public string? Content { get; set; }

    public string? ImageKey
    {
        get;
        set
        {
            field = value;
            HasImageKey = true;
        }
    }

    [JsonIgnore]
    public bool HasImageKey { get; private set; }
}

public sealed record UploadUrlRequest(string? ContentType, long? ContentLength);

/// <summary>The author's fields a new post's response needs, returned by its INSERT.</summary>
internal sealed record PostAuthor(string Username, string? AvatarUrl);

public sealed record UploadUrlResponse(string UploadUrl, string Method, IReadOnlyDictionary<string, string> Headers, string ImageKey, UtcTimestamp ExpiresAt);
