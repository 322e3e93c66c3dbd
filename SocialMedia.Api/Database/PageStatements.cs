using SocialMedia.Api.Common;

namespace SocialMedia.Api.Database;

/// <summary>
/// The statement texts of a keyset page, one per shape (with or without a cursor, say) and LIMIT:
/// each built on first use and kept. The LIMIT is a number in the text, not a parameter, so that
/// PostgreSQL plans a prepared page for the few rows it returns (bench/README.md); keeping the
/// texts means a request neither builds SQL nor hands Npgsql a new text to prepare. A few hundred
/// strings at most, and a race only builds one twice.
/// </summary>
internal sealed class PageStatements(int shapes, Func<int, int, string> build)
{
    private const int Limits = PageQuery.MaxLimit + 1;

    private readonly string?[] _texts = new string?[shapes * Limits];

    /// <summary>The text for <paramref name="shape"/> (0 to shapes - 1) and a page of <paramref name="limit"/> rows.</summary>
    public string For(int shape, int limit) => _texts[(shape * Limits) + limit] ??= build(shape, limit);
}
