using Microsoft.AspNetCore.Http.HttpResults;
using SocialMedia.Api.Common;
using SocialMedia.Api.Features.Users;
using SocialMedia.Api.Infrastructure;

namespace SocialMedia.Api.Features.Auth;

public static class AuthApi
{
    public static RouteGroupBuilder MapAuth(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/auth").WithTags("Auth").InFunctionGroup(FunctionGroup.Auth);

        group.MapPost("/register", Register)
            .WithSummary("Create an account and sign in")
            .ProducesHeader(StatusCodes.Status201Created, "Location", "The new account's URL: /api/v1/auth/me.")
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);

        group.MapPost("/login", Login)
            .WithSummary("Exchange email and password for a bearer token")
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);

        group.MapDelete("/logout", Logout)
            .RequireAuthorization()
            .WithSummary("Revoke the token this request carries, everywhere, at once")
            .ProducesProblem(StatusCodes.Status401Unauthorized);

        group.MapGet("/me", Me)
            .RequireAuthorization()
            .WithSummary("The caller's own account")
            .ProducesProblem(StatusCodes.Status401Unauthorized);

        return group;
    }

    internal static async Task<Results<JsonCreated<TokenResponse>, ProblemHttpResult>> Register(
        RegisterRequest request, HttpContext httpContext, AuthStore auth, TokenService tokens, RateLimits limits, TimeProvider clock, CancellationToken cancellationToken)
    {
        var errors = request.Validate();
        if (!errors.IsEmpty)
        {
            return Problems.Validation(errors.ToDictionary());
        }

        var email = request.Email!;
        var username = request.Username!;
        var now = clock.UtcNowMilliseconds();
        var account = new NewAccount(Guid.CreateVersion7(), email, username, PasswordHasher.Hash(request.Password!), request.Bio, now);
        var result = await auth.RegisterAsync(account, limits.Registration(ClientAddress.Of(httpContext), now), cancellationToken);
        if (result.Outcome == RegisterOutcome.Limited)
        {
            return RateLimits.TooMany(httpContext, result.LimitedUntil, clock, "Too many registrations from this address.");
        }

        if (result.Outcome == RegisterOutcome.Taken)
        {
            // Both fields when both are taken.
            var conflicts = new ValidationErrors();
            if (result.EmailTaken)
            {
                conflicts.Add("email", "is already taken");
            }

            if (result.UsernameTaken)
            {
                conflicts.Add("username", "is already taken");
            }

            return Problems.Conflict("The email or username is already taken.", conflicts.ToDictionary());
        }

        var me = new MeResponse(account.Id, username, request.Bio, null, now, email, now);
        KeepOutOfCaches(httpContext);
        return JsonResults.Created("/api/v1/auth/me", TokenResponse.From(tokens.Issue(account.Id), me));
    }

    internal static async Task<Results<JsonOk<TokenResponse>, ProblemHttpResult>> Login(
        LoginRequest request, HttpContext httpContext, AuthStore auth, TokenService tokens, RateLimits limits, TimeProvider clock, CancellationToken cancellationToken)
    {
        var errors = request.Validate();
        if (!errors.IsEmpty)
        {
            return Problems.Validation(errors.ToDictionary());
        }

        var email = request.Email!;
        var now = clock.UtcNowMilliseconds();
        var byAddress = limits.LoginByAddress(ClientAddress.Of(httpContext), now);
        var byAccount = limits.LoginByAccount(now);
        var attempt = await auth.SignInAsync(email, byAddress, byAccount, now, cancellationToken);
        if (attempt.LimitedUntil is { } until)
        {
            return RateLimits.TooMany(httpContext, until, clock, "Too many failed logins. Try again later.");
        }

        var account = attempt.Account;
        // Over-long passwords never match: bcrypt would compare only their first 72 bytes.
        var passwordOk = RegisterRequest.IsValidPassword(request.Password) & PasswordHasher.Verify(request.Password!, account?.PasswordDigest);
        if (account is null || !passwordOk)
        {
            return Problems.Unauthorized("The email or password is incorrect.");
        }

        if (limits.LoginLimited)
        {
            await auth.ReturnSignInPermitsAsync(email, byAddress, byAccount, now, cancellationToken);
        }

        KeepOutOfCaches(httpContext);
        return JsonResults.Ok(TokenResponse.From(tokens.Issue(account.Account.Id), account.Account));
    }

    /// <summary>A bearer token is a credential: no browser or proxy cache may keep the answer that carries it.</summary>
    private static void KeepOutOfCaches(HttpContext httpContext)
    {
        httpContext.Response.Headers.CacheControl = "no-store";
        httpContext.Response.Headers.Pragma = "no-cache";
    }

    internal static async Task<Results<NoContent, ProblemHttpResult>> Logout(
        HttpContext httpContext, AuthStore auth, TokenService tokens, TimeProvider clock, CancellationToken cancellationToken)
    {
        // The bearer handler accepted the token, so it has an id and an expiry.
        var caller = httpContext.User.GetCaller();
        var purgeBefore = clock.UtcNowMilliseconds() - tokens.ValidationParameters.ClockSkew;
        var revoked = await auth.RevokeAsync(caller.TokenId, httpContext.User.FindTokenExpiry()!.Value, purgeBefore, cancellationToken);
        return revoked ? TypedResults.NoContent() : RevokedToken.Refuse(httpContext);
    }

    internal static async Task<Results<JsonOk<MeResponse>, ProblemHttpResult>> Me(HttpContext httpContext, AuthStore auth, CancellationToken cancellationToken)
    {
        var me = await auth.MeAsync(httpContext.User.GetCaller(), cancellationToken);
        return me.Outcome switch
        {
            MeOutcome.Found => JsonResults.Ok(me.Account!),
            MeOutcome.Revoked => RevokedToken.Refuse(httpContext),
            _ => Problems.Unauthorized("The account of this token no longer exists."),
        };
    }
}
