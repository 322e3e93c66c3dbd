namespace SocialMedia.AwsEmulators.Gateway;

/// <summary>
/// Matches a request to a route the way API Gateway's resource tree does: segment by segment, a
/// literal segment before a <c>{parameter}</c> at the same place (<c>/posts/upload-url</c> before
/// <c>/posts/{id}</c>).
/// </summary>
public sealed class RouteTable(IReadOnlyList<GatewayRoute> routes)
{
    /// <summary>The routes of the best-matching path (any method), with the path's parameters; none when no path matches.</summary>
    public (IReadOnlyList<GatewayRoute> Routes, IReadOnlyDictionary<string, string> Parameters) Match(string path)
    {
        var segments = Split(path);
        IReadOnlyList<GatewayRoute> best = [];
        IReadOnlyDictionary<string, string> bestParameters = new Dictionary<string, string>();
        var bestScore = -1;
        foreach (var group in routes.GroupBy(r => r.Path, StringComparer.Ordinal))
        {
            var template = Split(group.Key);
            if (template.Length != segments.Length)
            {
                continue;
            }

            var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
            var score = 0;
            var matches = true;
            for (var i = 0; i < template.Length && matches; i++)
            {
                if (template[i].StartsWith('{') && template[i].EndsWith('}'))
                {
                    parameters[template[i][1..^1]] = Uri.UnescapeDataString(segments[i]);
                }
                else if (string.Equals(template[i], segments[i], StringComparison.Ordinal))
                {
                    score++;
                }
                else
                {
                    matches = false;
                }
            }

            if (matches && score > bestScore)
            {
                (best, bestParameters, bestScore) = (group.ToList(), parameters, score);
            }
        }

        return (best, bestParameters);
    }

    private static string[] Split(string path) => path.Split('/', StringSplitOptions.RemoveEmptyEntries);
}
