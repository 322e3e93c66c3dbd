using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Scalar.AspNetCore;

namespace SocialMedia.Api.Infrastructure;

internal static class OpenApiSetup
{
    public const string BearerScheme = "Bearer";

    public static IServiceCollection AddApiDocumentation(this IServiceCollection services) =>
        services.AddOpenApi(options =>
        {
            options.OpenApiVersion = OpenApiSpecVersion.OpenApi3_1;
            options.AddDocumentTransformer((document, _, _) =>
            {
                document.Info = new OpenApiInfo
                {
                    Title = "SocialMedia API",
                    Version = "v1",
                    Description = "Posts with images, likes and comments. Errors are RFC 9457 problem details with a trace_id.",
                };
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
                document.Components.SecuritySchemes[BearerScheme] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.Http,
                    Scheme = "bearer",
                    BearerFormat = "JWT",
                    Description = "The token from POST /api/v1/auth/register or /login.",
                };
                return Task.CompletedTask;
            });
            options.AddOperationTransformer(DescribeBodyRejections);
            options.AddOperationTransformer((operation, _, _) =>
            {
                // Paging parameters bind as strings (so a bad one is a 422 naming it); describe
                // them as what clients should send.
                foreach (var parameter in operation.Parameters?.OfType<OpenApiParameter>() ?? [])
                {
                    if (parameter.Name == "limit")
                    {
                        parameter.Schema = new OpenApiSchema { Type = JsonSchemaType.Integer, Minimum = "1", Maximum = "100", Default = System.Text.Json.Nodes.JsonValue.Create(20) };
                        parameter.Description = "Items per page, 1 to 100 (default 20).";
                    }
                    else if (parameter.Name == "cursor")
                    {
                        parameter.Description = "The next_cursor of the previous page; opaque.";
                    }
                }

                return Task.CompletedTask;
            });
            options.AddOperationTransformer((operation, context, _) =>
            {
                var metadata = context.Description.ActionDescriptor.EndpointMetadata;
                var authorize = metadata.OfType<IAuthorizeData>().ToList();
                if (authorize.Count == 0 || metadata.OfType<IAllowAnonymous>().Any())
                {
                    return Task.CompletedTask;
                }

                var requirement = new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, context.Document)] = [] };
                operation.Security = [requirement];
                AddProblemResponse(operation, context.Document, "401", "No valid, unexpired, unrevoked bearer token.");
                // Optional-bearer endpoints also work without a token: say so with an empty requirement.
                if (authorize.TrueForAll(a => a.Policy == Features.Auth.AuthorizationPolicies.OptionalBearer))
                {
                    operation.Security.Add(new OpenApiSecurityRequirement());
                }

                return Task.CompletedTask;
            });
        });

    /// <summary>Rejections any body-taking endpoint can give, before its handler runs.</summary>
    private static Task DescribeBodyRejections(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        if (operation.RequestBody is not null)
        {
            AddProblemResponse(operation, context.Document, "400", "The body is not valid JSON or a field has the wrong JSON type.");
            AddProblemResponse(operation, context.Document, "413", "The body is larger than 64 KiB.");
            AddProblemResponse(operation, context.Document, "415", "The body is not application/json.");
        }

        return Task.CompletedTask;
    }

    private static void AddProblemResponse(OpenApiOperation operation, OpenApiDocument? document, string status, string description)
    {
        operation.Responses ??= [];
        if (operation.Responses.ContainsKey(status))
        {
            return;
        }

        operation.Responses[status] = new OpenApiResponse
        {
            Description = description,
            Content = new Dictionary<string, OpenApiMediaType>
            {
                ["application/problem+json"] = new() { Schema = new OpenApiSchemaReference("ProblemDetails", document) },
            },
        };
    }

    public static WebApplication MapApiDocumentation(this WebApplication app)
    {
        app.MapOpenApi("/openapi/{documentName}.json");
        if (app.Environment.IsDevelopment())
        {
            app.MapScalarApiReference("/scalar", options => options.WithTitle("SocialMedia API"));
        }

        return app;
    }
}
