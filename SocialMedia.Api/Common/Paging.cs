using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace SocialMedia.Api.Common;

/// <summary>
/// <c>?limit&amp;cursor</c> as clients send them: bound as strings, so a bad value is a 422 naming
/// the field rather than the framework's 400. Bound with <c>[AsParameters]</c>.
/// </summary>
public readonly record struct PageQuery(
    [property: FromQuery(Name = "limit")] string? Limit,
    [property: FromQuery(Name = "cursor")] string? Cursor)
{
    public const int DefaultLimit = 20;
    public const int MaxLimit = 100;

    /// <summary>Validates both parameters; on success <paramref name="page"/> holds the parsed values.</summary>
    public bool TryParse(out PageRequest page, out ProblemHttpResult? problem)
    {
        var errors = new ValidationErrors();
        var limit = DefaultLimit;
        if (Limit is not null && (!int.TryParse(Limit, System.Globalization.NumberStyles.None, null, out limit) || limit is < 1 or > MaxLimit))
        {
            errors.Add("limit", $"must be an integer from 1 to {MaxLimit}");
        }

        Cursor? cursor = null;
        // "cursor=" (empty) is how many clients spell "first page".
        if (!string.IsNullOrEmpty(Cursor) && !Common.Cursor.TryDecode(Cursor, out cursor))
        {
            errors.Add("cursor", "is not a cursor this API issued");
        }

        page = new PageRequest(limit, cursor);
        problem = errors.IsEmpty ? null : Problems.Validation(errors.ToDictionary());
        return problem is null;
    }
}

public readonly record struct PageRequest(int Limit, Cursor? After);

/// <summary>A page of a list: <c>{ "data": [...], "next_cursor": "..." | null }</c>.</summary>
public sealed record Page<T>(IReadOnlyList<T> Data, string? NextCursor)
{
    /// <summary>
    /// Builds a page from rows fetched with <c>Take(limit + 1)</c>: the extra row only tells that
    /// another page exists; the cursor points at the last row actually returned.
    /// </summary>
    public static Page<T> From<TRow>(List<TRow> rows, int limit, Func<TRow, Cursor> position, Func<TRow, T> map)
    {
        var hasMore = rows.Count > limit;
        if (hasMore)
        {
            rows.RemoveAt(rows.Count - 1);
        }

        var data = new T[rows.Count];
        for (var i = 0; i < rows.Count; i++)
        {
            data[i] = map(rows[i]);
        }

        return new Page<T>(data, hasMore ? position(rows[^1]).Encode() : null);
    }
}
