namespace SocialMedia.Api.Features.Auth;

/// <summary>bcrypt at work factor 11 (the contract's floor; ~0.1–0.2 s a hash on one core).</summary>
public static class PasswordHasher
{
    public const int WorkFactor = 11;

    // Verified against when the email is unknown, so both failures cost the same time and a
    // stopwatch cannot tell which emails have accounts.
    private static readonly Lazy<string> s_decoy = new(() => BCrypt.Net.BCrypt.HashPassword(Guid.NewGuid().ToString(), WorkFactor));

    public static string Hash(string password) => BCrypt.Net.BCrypt.HashPassword(password, WorkFactor);

    public static bool Verify(string password, string? digest)
    {
        if (digest is null)
        {
            BCrypt.Net.BCrypt.Verify(password, s_decoy.Value);
            return false;
        }

        return BCrypt.Net.BCrypt.Verify(password, digest);
    }
}
