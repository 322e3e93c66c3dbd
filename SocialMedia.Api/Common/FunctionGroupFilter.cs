using Microsoft.AspNetCore.Routing.Matching;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace SocialMedia.Api.Common;

public static class FunctionGroupFilterExtensions
{
    public const string Variable = "FUNCTION_GROUP";

    /// <summary>
    /// <c>FUNCTION_GROUP=posts</c> (or auth, likes, comments): this process serves only the endpoints
    /// of that group, plus those of no group (/health, /alive); every other route is unknown here,
    /// a 404 problem. Unset or <c>all</c>: every route, as before. Lambda sets it per function, but
    /// it works on any host (a Kestrel instance can serve one group just the same).
    /// </summary>
    public static IHostApplicationBuilder AddFunctionGroupFilter(this IHostApplicationBuilder builder)
    {
        var group = builder.Configuration[Variable]?.Trim().ToLowerInvariant();
        if (string.IsNullOrEmpty(group) || group == FunctionGroup.All)
        {
            return builder;
        }

        if (!FunctionGroup.Names.Contains(group))
        {
            throw new InvalidOperationException($"{Variable} must be one of {string.Join(", ", FunctionGroup.Names)} or {FunctionGroup.All}, not '{group}'.");
        }

        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<MatcherPolicy>(new FunctionGroupMatcherPolicy(group)));
        return builder;
    }
}

/// <summary>
/// Drops the other groups' endpoints from the route table when the matcher is built, so they are
/// not there at all: a request to one is a 404 (not a 405 from a sibling method, not a 401 from
/// their authorization), with no per-request cost.
/// </summary>
internal sealed class FunctionGroupMatcherPolicy(string group) : MatcherPolicy, INodeBuilderPolicy
{
    // Ahead of HttpMethodMatcherPolicy (-1000), which would otherwise turn a filtered route into a 405.
    public override int Order => -10_000;

    public bool AppliesToEndpoints(IReadOnlyList<Endpoint> endpoints) => endpoints.Any(e => !IsServed(e));

    public IReadOnlyList<PolicyNodeEdge> GetEdges(IReadOnlyList<Endpoint> endpoints) =>
        [new PolicyNodeEdge(group, endpoints.Where(IsServed).ToArray())];

    public PolicyJumpTable BuildJumpTable(int exitDestination, IReadOnlyList<PolicyJumpTableEdge> edges) =>
        new SingleDestination(edges.Count == 0 ? exitDestination : edges[0].Destination);

    private bool IsServed(Endpoint endpoint) =>
        endpoint.Metadata.GetMetadata<FunctionGroup>() is not { } owner || owner.Name == group;

    private sealed class SingleDestination(int destination) : PolicyJumpTable
    {
        public override int GetDestination(HttpContext httpContext) => destination;
    }
}
