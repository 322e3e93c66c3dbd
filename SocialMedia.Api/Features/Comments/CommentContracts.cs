using SocialMedia.Api.Features.Users;

namespace SocialMedia.Api.Features.Comments;

public sealed record CommentResponse(Guid Id, Guid PostId, string Content, AuthorResponse Author, DateTime CreatedAt, DateTime UpdatedAt);

public sealed record CreateCommentRequest(string? Content);
