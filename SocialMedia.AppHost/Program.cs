using SocialMedia.AppHost.Api;
using SocialMedia.AppHost.LocalInfra;

var builder = DistributedApplication.CreateBuilder(args);
var options = LocalInfraOptions.From(builder.Configuration, builder.AppHostDirectory);

LocalInfrastructure infrastructure;
try
{
    infrastructure = builder.AddLocalInfrastructure(options);
}
catch (LocalInfraException e)
{
    // Something to install or configure on this machine: one line that says what, not a stack trace.
    Console.Error.WriteLine($"SocialMedia.AppHost: {e.Message}");
    return 1;
}

builder.AddSocialMediaApi(infrastructure, options);

await builder.Build().RunAsync();
return 0;
