using System.Net.Mail;
using System.Text;
using System.Text.RegularExpressions;
using SocialMedia.Api.Common;
using SocialMedia.Api.Features.Users;

namespace SocialMedia.Api.Features.Auth;

// Every field is nullable on purpose: a missing field is a 422 naming it, not a 400 from the JSON reader.

public sealed partial record RegisterRequest(string? Email, string? Password, string? Username, string? Bio)
{
    public const int MaxEmailLength = 255;
    public const int MinPasswordBytes = 8;
    public const int MaxPasswordBytes = 72; // bcrypt ignores whatever follows the 72nd byte
    public const int MaxBioLength = 500;
    public const string UsernameRegex = "^[A-Za-z0-9_]{3,50}$";

    public ValidationErrors Validate()
    {
        var errors = new ValidationErrors();
        if (!IsValidEmail(Email))
        {
            errors.Add("email", $"must be a valid email address of at most {MaxEmailLength} characters");
        }

        if (!IsValidPassword(Password))
        {
            errors.Add("password", $"must be {MinPasswordBytes} to {MaxPasswordBytes} bytes of UTF-8");
        }

        if (Username is null || !UsernamePattern().IsMatch(Username))
        {
            errors.Add("username", "must be 3 to 50 characters of letters, digits and underscores");
        }

        if (Bio is { Length: > MaxBioLength })
        {
            errors.Add("bio", $"must be at most {MaxBioLength} characters");
        }
        else if (Bio is not null && TextContent.HasControlCharacters(Bio, allowLineBreaks: true))
        {
            errors.Add("bio", TextContent.ControlRule);
        }

        return errors;
    }

    public static bool IsValidEmail(string? email)
    {
        if (string.IsNullOrEmpty(email) || email.Length > MaxEmailLength || email.Trim().Length != email.Length
            || TextContent.HasControlCharacters(email, allowLineBreaks: false))
        {
            return false;
        }

        // MailAddress accepts display names ("A <a@b.c>") and lone hosts; require the bare address
        // with a dotted domain, which is what a deliverable address looks like.
        return MailAddress.TryCreate(email, out var parsed)
            && parsed.Address == email
            && string.IsNullOrEmpty(parsed.DisplayName)
            && parsed.Host.Contains('.', StringComparison.Ordinal)
            && !parsed.Host.EndsWith('.');
    }

    public static bool IsValidPassword(string? password) =>
        password is not null && Encoding.UTF8.GetByteCount(password) is >= MinPasswordBytes and <= MaxPasswordBytes;

    [GeneratedRegex(UsernameRegex)]
    private static partial Regex UsernamePattern();
}

public sealed record LoginRequest(string? Email, string? Password)
{
    public ValidationErrors Validate()
    {
        var errors = new ValidationErrors();
        if (string.IsNullOrEmpty(Email))
        {
            errors.Add("email", "is required");
        }
        else if (TextContent.HasControlCharacters(Email, allowLineBreaks: false))
        {
            // No account can have such an address, and PostgreSQL cannot even compare U+0000.
            errors.Add("email", TextContent.ControlRule);
        }

        if (string.IsNullOrEmpty(Password))
        {
            errors.Add("password", "is required");
        }

        return errors;
    }
}

public sealed record TokenResponse(string Token, string TokenType, UtcTimestamp ExpiresAt, MeResponse User)
{
    public static TokenResponse From(IssuedToken token, MeResponse user) => new(token.Token, "Bearer", token.ExpiresAt, user);
}
