using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;

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

    [Fact]
    public async Task A_production_start_logs_no_warning_and_writes_no_data_protection_key()
    {
        // Bearer tokens need no data-protection keys; ASP.NET Core's default would create one at the
        // first start, write it unencrypted under $HOME/.aspnet and log a warning on every fresh
        // machine (every Lambda cold start).
        var home = Directory.CreateTempSubdirectory("socialmedia-home-");
        var info = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { Path.Combine(AppContext.BaseDirectory, "SocialMedia.Api.dll") },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
            Environment =
            {
                ["HOME"] = home.FullName,
                ["ASPNETCORE_ENVIRONMENT"] = "Production",
                ["ASPNETCORE_URLS"] = "http://127.0.0.1:0",
                ["ConnectionStrings__socialdb"] = "Host=127.0.0.1;Database=unused",
                ["Jwt__Secret"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(48)),
            },
        };
        using var process = Process.Start(info)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = new List<string>();
        List<string> written;
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            string? address = null;
            while (address is null && await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
            {
                stdout.Add(line);
                address = line.Trim() is var text && text.StartsWith("Now listening on: ", StringComparison.Ordinal) ? text["Now listening on: ".Length..] : null;
            }

            Assert.True(address is not null, string.Join('\n', stdout));
            using var client = new HttpClient { BaseAddress = new Uri(address) };
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/alive", timeout.Token)).StatusCode);
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            stdout.AddRange((await process.StandardOutput.ReadToEndAsync()).Split('\n'));
            written = home.EnumerateFiles("*", SearchOption.AllDirectories).Select(f => f.FullName).ToList();
            home.Delete(recursive: true);
        }

        Assert.Empty(written);

        Assert.DoesNotContain(stdout, line => line.StartsWith("warn", StringComparison.Ordinal) || line.Contains("DataProtection", StringComparison.Ordinal));
        Assert.Equal("", await stderr);
    }
}
