using Microsoft.Extensions.Configuration;

namespace SocialMedia.AppHost.LocalInfra;

/// <summary>The mode chosen, why, and (containers mode, chosen by the probe) the runtime that works.</summary>
public sealed record ModeDecision(LocalInfraMode Mode, string Reason, string? ContainerRuntime = null);

/// <summary>
/// Chooses containers or processes: does a container runtime work here, and can it get the images
/// containers mode runs? Each runtime is asked in its own words: <c>docker info</c> needs the
/// daemon, and Podman's <c>info</c> has its own template (<c>{{.Version.Version}}</c>; Docker's
/// <c>{{.ServerVersion}}</c> is an error there). A runtime that answers but has neither the images
/// nor a registry that answers for them (no network, no mirror) could not start the stack, so it
/// does not count: processes mode runs instead, and the reason says which image it could not get.
/// </summary>
/// <param name="searchPath">Where to look for the runtimes; the process's PATH when null (tests pass stand-ins).</param>
public sealed class ContainerRuntimeProbe(string? searchPath = null)
{
    // `docker info` without a daemon fails within milliseconds; a hung daemon must not hold up the
    // whole stack for long. The registry check is the same kind of question, over the network.
    private static readonly TimeSpan s_infoTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan s_registryTimeout = TimeSpan.FromSeconds(10);

    private static readonly ContainerRuntimeCommands[] s_runtimes =
    [
        new("docker", ["info", "--format", "{{.ServerVersion}}"], image => ["image", "inspect", "--format", "{{.Id}}", image], image => ["manifest", "inspect", image]),
        new("podman", ["info", "--format", "{{.Version.Version}}"], image => ["image", "exists", image], image => ["manifest", "inspect", image]),
    ];

    public ModeDecision Decide(LocalInfraOptions options, IConfiguration configuration, IReadOnlyList<ContainerImage> images)
    {
        if (options.Mode is not LocalInfraMode.Auto)
        {
            return new ModeDecision(options.Mode, $"{LocalInfraOptions.SectionName}:Mode={options.Mode} was set");
        }

        var failures = new List<string>();
        foreach (var runtime in CandidateRuntimes(configuration))
        {
            var failure = Check(runtime, images, out var version);
            if (failure is null)
            {
                return new ModeDecision(LocalInfraMode.Containers, $"{runtime.Name} {version} answered and can get {string.Join(", ", images.Select(i => i.Reference))}", runtime.Name);
            }

            failures.Add(failure);
        }

        return new ModeDecision(LocalInfraMode.Processes, $"no container runtime can run the stack here ({string.Join("; ", failures)})");
    }

    /// <returns>Null when the runtime works and can get every image; otherwise what is wrong.</returns>
    private string? Check(ContainerRuntimeCommands runtime, IReadOnlyList<ContainerImage> images, out string version)
    {
        version = "";
        if (ExternalCommand.FindOnPath(runtime.Name, searchPath) is not { } program)
        {
            return $"{runtime.Name}: not installed";
        }

        var info = Run(program, runtime.Info, s_infoTimeout);
        if (info is not { Succeeded: true })
        {
            return $"{runtime.Name}: {info?.LastLine}";
        }

        version = info.LastLine;
        foreach (var image in images)
        {
            if (Run(program, runtime.ImagePresent(image.Reference), s_infoTimeout) is { Succeeded: true })
            {
                continue;
            }

            // Not here: could a pull get it? Asking the registry for its manifest is the runtime's
            // own way to find out (its registry settings, mirrors and proxy apply), without a pull.
            var registry = Run(program, runtime.ImageInRegistry(image.Reference), s_registryTimeout);
            if (registry is not { Succeeded: true })
            {
                return $"{runtime.Name} {version} answers but cannot get {image.Reference}, which is not here and which the registry did not give: {registry?.LastLine}";
            }
        }

        return null;
    }

    private static CommandOutcome? Run(string program, IEnumerable<string> arguments, TimeSpan timeout) =>
        ExternalCommand.RunAsync(program, arguments, timeout).GetAwaiter().GetResult();

    /// <summary>The runtime Aspire was told to use, if any; otherwise Docker, then Podman.</summary>
    private static ContainerRuntimeCommands[] CandidateRuntimes(IConfiguration configuration)
    {
        var configured = configuration["ASPIRE_CONTAINER_RUNTIME"] ?? configuration["DOTNET_ASPIRE_CONTAINER_RUNTIME"];
        if (string.IsNullOrWhiteSpace(configured))
        {
            return s_runtimes;
        }

        var name = configured.Trim().ToLowerInvariant();
        return [s_runtimes.FirstOrDefault(r => r.Name == name) ?? s_runtimes[0] with { Name = name }];
    }

    /// <summary>How one runtime says it works, has an image, and can get one from its registry.</summary>
    private sealed record ContainerRuntimeCommands(
        string Name,
        string[] Info,
        Func<string, string[]> ImagePresent,
        Func<string, string[]> ImageInRegistry);
}
