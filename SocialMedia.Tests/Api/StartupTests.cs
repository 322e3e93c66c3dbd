using System.Diagnostics;

namespace SocialMedia.Tests.Api;

/// <summary>The published entry point, started as operators start it: configuration mistakes stop it with one clear line.</summary>
public sealed class StartupTests
{
    private static async Task<(int ExitCode, string Stdout, string Stderr)> RunApiAsync(Dictionary<string, string?> environment)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { Path.Combine(AppContext.BaseDirectory, "SocialMedia.Api.dll") },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        foreach (var key in info.Environment.Keys.Where(k => k.StartsWith("Jwt__", StringComparison.Ordinal) || k.StartsWith("ConnectionStrings__", StringComparison.Ordinal)).ToList())
        {
            info.Environment.Remove(key);
        }

        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, await stdout, await stderr);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("too-short-secret")]
    public async Task Outside_development_a_missing_or_short_jwt_secret_stops_the_start_with_one_line(string? secret)
    {
        var (exitCode, _, stderr) = await RunApiAsync(new()
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["ASPNETCORE_URLS"] = "http://127.0.0.1:0",
            ["ConnectionStrings__socialdb"] = "Host=127.0.0.1;Database=unused",
            ["Jwt__Secret"] = secret,
        });

        Assert.Equal(1, exitCode);
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var line = Assert.Single(lines);
        Assert.Contains("Jwt:Secret", line, StringComparison.Ordinal);
        Assert.Contains("32 bytes", line, StringComparison.Ordinal);
        if (secret is not null)
        {
            Assert.DoesNotContain(secret, stderr, StringComparison.Ordinal);
        }
    }
}
