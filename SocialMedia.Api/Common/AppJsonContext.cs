using System.Text.Json.Serialization;
using SocialMedia.Api.Features.Auth;
using SocialMedia.Api.Features.Comments;
using SocialMedia.Api.Features.Likes;
using SocialMedia.Api.Features.Posts;
using SocialMedia.Api.Features.Users;

namespace SocialMedia.Api.Common;

/// <summary>Source-generated serializers for every wire type: no reflection at request time, less work at cold start.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(RegisterRequest))]
[JsonSerializable(typeof(LoginRequest))]
[JsonSerializable(typeof(TokenResponse))]
[JsonSerializable(typeof(MeResponse))]
[JsonSerializable(typeof(UserResponse))]
[JsonSerializable(typeof(CreatePostRequest))]
[JsonSerializable(typeof(UpdatePostRequest))]
[JsonSerializable(typeof(PostResponse))]
[JsonSerializable(typeof(Page<PostResponse>))]
[JsonSerializable(typeof(UploadUrlRequest))]
[JsonSerializable(typeof(UploadUrlResponse))]
[JsonSerializable(typeof(LikeStateResponse))]
[JsonSerializable(typeof(Page<LikeResponse>))]
[JsonSerializable(typeof(CreateCommentRequest))]
[JsonSerializable(typeof(CommentResponse))]
[JsonSerializable(typeof(Page<CommentResponse>))]
internal sealed partial class AppJsonContext : JsonSerializerContext;
