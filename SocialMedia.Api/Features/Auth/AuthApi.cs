using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using SocialMedia.Api.Common;
using SocialMedia.Api.Data;
using SocialMedia.Api.Data.Configurations;
using SocialMedia.Api.Features.Users;
using SocialMedia.Api.Infrastructure;

namespace SocialMedia.Api.Features.Auth;

public static class AuthApi
{
    public static RouteGroupBuilder MapAuth(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/auth").WithTags("Auth").InFunctionGroup(FunctionGroup.Auth);

        group.MapPost("/register", Register)
            .RequireRateLimiting(RateLimiting.Registration)
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
            .ChecksRevocationWithItsQuery()
            .WithSummary("The caller's own account")
            .ProducesProblem(StatusCodes.Status401Unauthorized);

        return group;
    }

    internal static async Task<Results<Created<TokenResponse>, ProblemHttpResult>> Register(
        RegisterRequest request, SocialDbContext db, TokenService tokens, TimeProvider clock, CancellationToken cancellationToken)
    {
        var errors = request.Validate();
        if (!errors.IsEmpty)
        {
            return Problems.Validation(errors.ToDictionary());
        }

        var email = request.Email!;
        var username = request.Username!;
        var emailKey = email.ToLowerInvariant();
        var usernameKey = username.ToLowerInvariant();

        // Reports both fields when both are taken; the unique indexes below stay the real guard.
        var (context, ct) = (db, cancellationToken); // locals, not parameters, in a query: see SocialDbContext
        var taken = await context.Users.AsNoTracking()
            .Where(u => u.Email.ToLower() == emailKey || u.Username.ToLower() == usernameKey)
            .Select(u => new TakenName(u.Email, u.Username))
            .ToListAsync(ct);
        var conflicts = new ValidationErrors();
        if (taken.Exists(u => u.Email.Equals(email, StringComparison.OrdinalIgnoreCase)))
        {
            conflicts.Add("email", "is already taken");
        }

        if (taken.Exists(u => u.Username.Equals(username, StringComparison.OrdinalIgnoreCase)))
        {
            conflicts.Add("username", "is already taken");
        }

        if (!conflicts.IsEmpty)
        {
            return Problems.Conflict("The email or username is already taken.", conflicts.ToDictionary());
        }

        var now = clock.UtcNowMilliseconds();
        var user = new User
        {
            Id = Guid.CreateVersion7(),
            Email = email,
            Username = username,
            PasswordDigest = PasswordHasher.Hash(request.Password!),
            Bio = request.Bio,
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.Users.Add(user);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } unique)
        {
            // A retried INSERT whose first attempt committed (its answer lost with the connection)
            // meets its own row: this account was created. Otherwise a concurrent registration of
            // the same name or email won the race.
            var created = await db.QueryAsync("SELECT 1 FROM users WHERE id = $1", [HandWrittenSql.Uuid(user.Id)], _ => true, cancellationToken);
            if (created.Count == 0)
            {
                var field = unique.ConstraintName == UserConfiguration.EmailUniqueIndex ? "email" : "username";
                return Problems.Conflict("The email or username is already taken.", new Dictionary<string, string[]> { [field] = ["is already taken"] });
            }
        }

        return TypedResults.Created("/api/v1/auth/me", TokenResponse.From(tokens.Issue(user.Id), MeResponse.From(user)));
    }

    internal static async Task<Results<Ok<TokenResponse>, ProblemHttpResult>> Login(
        LoginRequest request, HttpContext httpContext, SocialDbContext db, TokenService tokens, LoginThrottle throttle, CancellationToken cancellationToken)
    {
        var address = ClientAddress.Of(httpContext);
        if (throttle.RetryAfter(address) is { } wait)
        {
            RateLimiting.SetRetryAfter(httpContext.Response, wait);
            return TypedResults.Problem(statusCode: StatusCodes.Status429TooManyRequests, detail: "Too many failed logins from this address.");
        }

        var errors = request.Validate();
        if (!errors.IsEmpty)
        {
            return Problems.Validation(errors.ToDictionary());
        }

        var emailKey = request.Email!.ToLowerInvariant();
        var (context, ct) = (db, cancellationToken); // locals, not parameters, in a query: see SocialDbContext
        var user = await context.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Email.ToLower() == emailKey, ct);
        // Over-long passwords never match: bcrypt would compare only their first 72 bytes.
        var passwordOk = RegisterRequest.IsValidPassword(request.Password) & PasswordHasher.Verify(request.Password!, user?.PasswordDigest);
        if (user is null || !passwordOk)
        {
            throttle.RecordFailure(address);
            return Problems.Unauthorized("The email or password is incorrect.");
        }

        return TypedResults.Ok(TokenResponse.From(tokens.Issue(user.Id), MeResponse.From(user)));
    }

    internal static async Task<NoContent> Logout(ClaimsPrincipal principal, TokenRevocations revocations, CancellationToken cancellationToken)
    {
        // The bearer handler accepted the token, so it has both claims.
        await revocations.RevokeAsync(principal.FindTokenId()!, principal.FindTokenExpiry()!.Value, cancellationToken);
        return TypedResults.NoContent();
    }

    internal static async Task<Results<Ok<MeResponse>, ProblemHttpResult>> Me(ClaimsPrincipal principal, SocialDbContext db, CancellationToken cancellationToken)
    {
        var id = principal.GetUserId();
        var (context, ct) = (db, cancellationToken); // locals, not parameters, in a query: see SocialDbContext
        var user = await context.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == id, ct);
        return user is null
            ? Problems.Unauthorized("The account of this token no longer exists.")
            : TypedResults.Ok(MeResponse.From(user));
    }
}
