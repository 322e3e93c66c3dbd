using Microsoft.Extensions.Configuration;

namespace SocialMedia.AppHost.LocalInfra;

public sealed record ModeDecision(LocalInfraMode Mode, string Reason);

/// <summary>Chooses containers or processes: is a container runtime actually answering?</summary>
public static class ContainerRuntimeProbe
{
    // `docker info` needs the daemon; a client alone (as on this project's CI machines) fails within
    // milliseconds, and a hung daemon must not hold up the whole stack for long.
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(5);

    public static ModeDecision Decide(LocalInfraOptions options, IConfiguration configuration)
    {
        if (options.Mode is not LocalInfraMode.Auto)
        {
            return new ModeDecision(options.Mode, $"{LocalInfraOptions.SectionName}:Mode={options.Mode} was set");
        }

        var failures = new List<string>();
        foreach (var runtime in CandidateRuntimes(configuration))
        {
            var outcome = ExternalCommand.RunAsync(runtime, ["info", "--format", "{{.ServerVersion}}"], s_timeout).GetAwaiter().GetResult();
            if (outcome is { Succeeded: true })
            {
                return new ModeDecision(LocalInfraMode.Containers, $"{runtime} {outcome.LastLine} answered");
            }

            failures.Add(outcome is null ? $"{runtime}: not installed" : $"{runtime}: {outcome.LastLine}");
        }

        return new ModeDecision(LocalInfraMode.Processes, $"no container runtime answered ({string.Join("; ", failures)})");
    }

    /// <summary>The runtime Aspire was told to use, if any; otherwise Docker, then Podman.</summary>
    private static IEnumerable<string> CandidateRuntimes(IConfiguration configuration)
    {
        var configured = configuration["ASPIRE_CONTAINER_RUNTIME"] ?? configuration["DOTNET_ASPIRE_CONTAINER_RUNTIME"];
        return string.IsNullOrWhiteSpace(configured) ? ["docker", "podman"] : [configured.Trim().ToLowerInvariant()];
    }
}
