using Microsoft.Extensions.Configuration;
using SocialMedia.AppHost.Api;
using SocialMedia.AppHost.LocalInfra;

namespace SocialMedia.AppHost.Web;

/// <summary>
/// web/ (Vite + TypeScript on the generated client in clients/typescript) as an executable resource:
/// Aspire's JavaScript hosting package is not available from our package feed, so this is the few
/// lines of it we need. The Vite dev server runs on a fixed port (<c>LocalInfra:WebPort</c>, default
/// 5173) and calls the API at the URL it is given; on a fresh clone <c>npm ci</c> runs first, visibly,
/// as resources of their own.
/// </summary>
public static class WebAppBuilderExtensions
{
    public const string ResourceName = "web";
    public const string EndpointName = "http";
    public const int DefaultPort = 5173;

    public static IResourceBuilder<ExecutableResource> AddWebApp(this IDistributedApplicationBuilder builder, IResourceBuilder<ProjectResource> api, LocalInfraOptions options)
    {
        var root = Path.GetFullPath(Path.Combine(builder.AppHostDirectory, ".."));
        var webDirectory = Path.Combine(root, "web");
        var clientDirectory = Path.Combine(root, "clients", "typescript");
        if (ExternalCommand.FindOnPath("node") is null || ExternalCommand.FindOnPath("npm") is null)
        {
            throw new LocalInfraException("The web app runs on Node.js, and node or npm is not on PATH: install Node.js 20.19+ with npm (Debian/Ubuntu: apt-get install nodejs npm).");
        }

        // node straight on Vite's CLI, not `npm run dev`: a stop signal then reaches the server itself.
        var vite = Path.Combine(webDirectory, "node_modules", "vite", "bin", "vite.js");
        var web = builder.AddExecutable(ResourceName, "node", webDirectory, vite)
            .WithHttpEndpoint(port: builder.Configuration.GetValue($"{LocalInfraOptions.SectionName}:WebPort", DefaultPort), env: "WEB_PORT", name: EndpointName)
            .WithEnvironment("WEB_HOST", "127.0.0.1")
            .WithEnvironment("VITE_API_URL", api.GetEndpoint(ApiBuilderExtensions.EndpointName))
            // Vite's cache (and its one-server-per-project lock) in this AppHost's data folder, so a test's
            // AppHost and a developer's never share one.
            .WithEnvironment("WEB_CACHE_DIR", Path.Combine(options.DataDirectory!, "vite"))
            .WaitFor(api)
            .WithHttpHealthCheck("/", endpointName: EndpointName)
            .WithUrlForEndpoint(EndpointName, url => url.DisplayText = "Web app")
            .WithIconName("Globe");

        foreach (var (name, directory) in new[] { ("web-client-install", clientDirectory), ("web-install", webDirectory) })
        {
            if (!Directory.Exists(Path.Combine(directory, "node_modules")))
            {
                var install = builder.AddExecutable(name, "npm", directory, "ci", "--no-audit", "--no-fund")
                    .WithParentRelationship(web)
                    .WithIconName("ArrowDownload");
                web.WaitForCompletion(install);
            }
        }

        return web;
    }
}
