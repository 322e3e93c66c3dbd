using SocialMedia.Api.Common;
using SocialMedia.Api.Features.Users;

namespace SocialMedia.Api.Features.Comments;

public sealed record CommentResponse(Guid Id, Guid PostId, string Content, AuthorResponse Author, UtcTimestamp CreatedAt, UtcTimestamp UpdatedAt);

public sealed record CreateCommentRequest(string? Content);
