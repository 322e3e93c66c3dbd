using Microsoft.Extensions.Configuration;
using SocialMedia.AppHost.LocalInfra;

namespace SocialMedia.Tests.AppHost;

/// <summary>
/// The mode choice, against stand-in <c>docker</c> and <c>podman</c> executables on the probe's PATH
/// (AppHost/StandIns: scripts answering as the real programs do, the "client only" and "without
/// images" ones captured on this project's CI machines). Nothing else is on that PATH.
/// </summary>
public sealed class ContainerRuntimeProbeTests : IDisposable
{
    private readonly string _path = Directory.CreateTempSubdirectory("socialmedia-probe-").FullName;

    private ModeDecision Decide(string? docker = null, string? podman = null, Dictionary<string, string?>? settings = null)
    {
        Install("docker", docker);
        Install("podman", podman);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings ?? []).Build();
        return new ContainerRuntimeProbe(_path).Decide(new LocalInfraOptions(), configuration, ContainerImages.All);
    }

    private void Install(string program, string? standIn)
    {
        if (standIn is null)
        {
            return;
        }

        var target = Path.Combine(_path, program);
        File.Copy(Path.Combine(AppContext.BaseDirectory, "AppHost", "StandIns", standIn), target);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(target, File.GetUnixFileMode(target) | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        }
    }

    [Fact]
    public void A_working_docker_with_the_images_gets_containers_mode()
    {
        var decision = Decide(docker: "docker-working");
        Assert.Equal(LocalInfraMode.Containers, decision.Mode);
        Assert.Equal("docker", decision.ContainerRuntime);
        Assert.StartsWith("docker 28.2.2 answered", decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_docker_client_without_its_daemon_and_no_podman_gets_processes_mode_saying_why()
    {
        var decision = Decide(docker: "docker-client-only");
        Assert.Equal(LocalInfraMode.Processes, decision.Mode);
        Assert.Null(decision.ContainerRuntime);
        Assert.Contains("docker: Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?", decision.Reason, StringComparison.Ordinal);
        Assert.Contains("podman: not installed", decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_working_podman_gets_containers_mode_even_beside_a_docker_client_without_a_daemon()
    {
        var decision = Decide(docker: "docker-client-only", podman: "podman-working");
        Assert.Equal(LocalInfraMode.Containers, decision.Mode);
        // The orchestrator is then told to use podman, not its default docker.
        Assert.Equal("podman", decision.ContainerRuntime);
        Assert.StartsWith("podman 4.3.1 answered", decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_working_podman_without_the_images_but_with_a_registry_that_has_them_gets_containers_mode()
    {
        var decision = Decide(podman: "podman-registry-only");
        Assert.Equal(LocalInfraMode.Containers, decision.Mode);
        Assert.Equal("podman", decision.ContainerRuntime);
    }

    [Fact]
    public void A_podman_that_answers_but_cannot_get_the_images_gets_processes_mode_naming_the_image()
    {
        // This machine: podman answers `podman info`, has no images, and no registry answers.
        var decision = Decide(docker: "docker-client-only", podman: "podman-without-images");
        Assert.Equal(LocalInfraMode.Processes, decision.Mode);
        Assert.Null(decision.ContainerRuntime);
        Assert.Contains(
            "podman 4.3.1 answers but cannot get docker.io/library/postgres:18.3, which is not here and which the registry did not give: "
            + "Error: reading image \"docker://postgres:18.3\": pinging container registry registry-1.docker.io",
            decision.Reason,
            StringComparison.Ordinal);
        Assert.Contains("docker: Cannot connect to the Docker daemon", decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Neither_runtime_installed_gets_processes_mode()
    {
        var decision = Decide();
        Assert.Equal(LocalInfraMode.Processes, decision.Mode);
        Assert.Equal("no container runtime can run the stack here (docker: not installed; podman: not installed)", decision.Reason);
    }

    [Fact]
    public void The_runtime_aspire_is_told_to_use_is_the_only_one_asked()
    {
        var decision = Decide(docker: "docker-working", podman: "podman-without-images", settings: new() { ["ASPIRE_CONTAINER_RUNTIME"] = "podman" });
        Assert.Equal(LocalInfraMode.Processes, decision.Mode);
        Assert.DoesNotContain("docker", decision.Reason.Replace("docker://", "", StringComparison.Ordinal).Replace("docker.io", "", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public void A_forced_mode_asks_no_runtime()
    {
        Install("docker", "docker-working");
        var options = new LocalInfraOptions { Mode = LocalInfraMode.Processes };
        var decision = new ContainerRuntimeProbe(_path).Decide(options, new ConfigurationBuilder().Build(), ContainerImages.All);
        Assert.Equal(LocalInfraMode.Processes, decision.Mode);
        Assert.Equal("LocalInfra:Mode=Processes was set", decision.Reason);
    }

    public void Dispose() => Directory.Delete(_path, recursive: true);
}
