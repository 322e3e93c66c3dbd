using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Scalar.AspNetCore;
using SocialMedia.Api.Common;
using SocialMedia.Api.Features.Auth;

namespace SocialMedia.Api.Infrastructure;

/// <summary>
/// The OpenAPI document at <c>/openapi/v1.json</c>, built from the endpoints' own metadata. What
/// the metadata cannot say is added here, in one place: the answers every endpoint can give
/// (problem bodies, 401 with its challenge, 503 with Retry-After), the security each route needs,
/// and the wire rules of the schemas (<see cref="OpenApiSchemas"/>). docs/openapi.json is a
/// snapshot of this document; a test fails when the two differ.
/// </summary>
internal static class OpenApiSetup
{
    public const string BearerScheme = "Bearer";

    /// <summary>The one schema of every error body (RFC 9457 plus <c>trace_id</c> and, on 409/422, <c>errors</c>).</summary>
    public const string ProblemSchema = "Problem";

    private const string ProblemContentType = "application/problem+json";

    /// <summary>The trace id of the examples: the contract's own.</summary>
    private const string ExampleTraceId = "4bf92f3577b34da6a3ce929d0e0e4736";

    public static IServiceCollection AddApiDocumentation(this IServiceCollection services) =>
        services.AddOpenApi(options =>
        {
            options.OpenApiVersion = OpenApiSpecVersion.OpenApi3_1;
            // A timestamp is a string on the wire, described where it is used, not a component of its own.
            options.CreateSchemaReferenceId = type => type.Type == typeof(UtcTimestamp)
                ? null
                : OpenApiOptions.CreateDefaultSchemaReferenceId(type);
            options.AddSchemaTransformer(OpenApiSchemas.Transform);
            options.AddOperationTransformer(DescribePaging);
            options.AddOperationTransformer(DescribeSecurity);
            options.AddOperationTransformer(DescribeErrors);
            options.AddDocumentTransformer(DescribeDocument);
        });

    private static Task DescribeDocument(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Info = new OpenApiInfo
        {
            Title = "SocialMedia API",
            Version = "v1",
            Description = """
                Posts with images, likes and comments. JSON in snake_case; timestamps are UTC with
                milliseconds (2026-11-28T16:45:00.123Z); ids are UUIDs. Every error is an RFC 9457
                problem (application/problem+json) with a trace_id. A known route called with
                another method answers 405 with an Allow header.
                """,
        };
        // The server is whoever serves the document: a base URL here would be the one of the
        // machine that happened to render it (and would make the checked-in copy differ).
        document.Servers = [];
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[BearerScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            BearerFormat = "JWT",
            Description = "The token from POST /api/v1/auth/register or /login: valid 24 hours (Jwt__LifetimeHours) unless revoked by logout.",
        };
        document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
        document.Components.Schemas[ProblemSchema] = Problem();
        // The framework's problem schemas are replaced by Problem on every response (DescribeErrors).
        document.Components.Schemas.Remove("ProblemDetails");
        document.Components.Schemas.Remove("HttpValidationProblemDetails");
        return Task.CompletedTask;
    }

    private static OpenApiSchema Problem() => new()
    {
        Type = JsonSchemaType.Object,
        Description = "An RFC 9457 problem: what went wrong, in words a person can read, and the trace id to quote in a bug report.",
        Required = new HashSet<string> { "type", "title", "status", "detail", "trace_id" },
        Properties = new Dictionary<string, IOpenApiSchema>
        {
            ["type"] = new OpenApiSchema { Type = JsonSchemaType.String, Format = "uri", Description = $"The kind of problem: {Problems.BaseUri}{{kind}}. Branch on this or on status, never on the text." },
            ["title"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "A short summary of the kind of problem." },
            ["status"] = new OpenApiSchema { Type = JsonSchemaType.Integer, Description = "The HTTP status code." },
            ["detail"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "What went wrong with this request; safe to show to the user." },
            ["trace_id"] = new OpenApiSchema { Type = JsonSchemaType.String, Pattern = "^[0-9a-f]{32}$", Description = "The W3C trace id of the request: finds it in the traces and logs." },
            ["errors"] = new OpenApiSchema
            {
                Type = JsonSchemaType.Object,
                Description = "On 422 (and 409): each rejected field's wire name with what is wrong with it.",
                AdditionalProperties = new OpenApiSchema { Type = JsonSchemaType.Array, Items = new OpenApiSchema { Type = JsonSchemaType.String } },
            },
        },
    };

    /// <summary>Paging parameters bind as strings (so a bad one is a 422 naming it); describe them as what clients send.</summary>
    private static Task DescribePaging(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        foreach (var parameter in operation.Parameters?.OfType<OpenApiParameter>() ?? [])
        {
            switch (parameter.Name)
            {
                case "limit":
                    parameter.Schema = new OpenApiSchema { Type = JsonSchemaType.Integer, Minimum = "1", Maximum = $"{PageQuery.MaxLimit}", Default = JsonValue.Create(PageQuery.DefaultLimit) };
                    parameter.Description = $"Items per page, 1 to {PageQuery.MaxLimit} (default {PageQuery.DefaultLimit}).";
                    break;
                case "cursor":
                    parameter.Schema = new OpenApiSchema { Type = JsonSchemaType.String };
                    parameter.Description = "The next_cursor of the previous page, as it was given (opaque). Leave it out for the first page.";
                    break;
                case "author_id":
                    parameter.Schema = new OpenApiSchema { Type = JsonSchemaType.String, Format = "uuid" };
                    parameter.Description = "Only this user's posts.";
                    break;
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// Bearer security on exactly the routes that read a caller: required where the endpoint demands
    /// one, optional (an empty alternative) where it only reads better with one, none elsewhere.
    /// </summary>
    private static Task DescribeSecurity(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        var authorize = metadata.OfType<IAuthorizeData>().ToList();
        if (authorize.Count == 0 || metadata.OfType<IAllowAnonymous>().Any())
        {
            return Task.CompletedTask;
        }

        var optional = authorize.TrueForAll(a => a.Policy == AuthorizationPolicies.OptionalBearer);
        operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, context.Document)] = [] }];
        if (optional)
        {
            operation.Security.Add(new OpenApiSecurityRequirement());
        }

        AddProblem(operation, "401", optional
            ? "The request carries a token that is invalid, expired or revoked (without one, it is answered anonymously): drop the token and sign in again."
            : "No valid, unexpired, unrevoked bearer token: sign in again.");
        var challenge = (OpenApiResponse)operation.Responses!["401"];
        challenge.Headers ??= new Dictionary<string, IOpenApiHeader>();
        challenge.Headers["WWW-Authenticate"] = new OpenApiHeader
        {
            Description = "Bearer, with error=\"invalid_token\" when a token was sent but refused.",
            Schema = new OpenApiSchema { Type = JsonSchemaType.String },
        };
        return Task.CompletedTask;
    }

    /// <summary>
    /// The answers any endpoint can give besides its own: body rejections before the handler runs,
    /// 503 while PostgreSQL or S3 is down, Retry-After where the client should wait. Every problem
    /// response then gets the Problem schema, a description and an example.
    /// </summary>
    private static Task DescribeErrors(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        if (operation.RequestBody is not null)
        {
            AddProblem(operation, "400", "The body is not valid JSON, or a field has the wrong JSON type: a bug in the client.");
            AddProblem(operation, "413", "The body is larger than 64 KiB.");
            AddProblem(operation, "415", "The body is not application/json.");
        }

        // Every route reads or writes PostgreSQL (a bearer token is checked against the revocation
        // list there too), and the post routes reach S3.
        AddProblem(operation, "503", "PostgreSQL or S3 is unavailable. Nothing was half-done: retry the same request after Retry-After seconds.");

        operation.Responses ??= [];
        foreach (var (status, response) in operation.Responses)
        {
            if (response is not OpenApiResponse concrete || !int.TryParse(status, out var code))
            {
                continue;
            }

            foreach (var header in context.Description.ActionDescriptor.EndpointMetadata.OfType<ResponseHeaderMetadata>().Where(h => h.StatusCode == code))
            {
                concrete.Headers ??= new Dictionary<string, IOpenApiHeader>();
                concrete.Headers[header.Name] = new OpenApiHeader { Description = header.Description, Schema = new OpenApiSchema { Type = JsonSchemaType.String } };
            }

            if (code < 400)
            {
                continue;
            }

            concrete.Content = new Dictionary<string, OpenApiMediaType>
            {
                [ProblemContentType] = new() { Schema = new OpenApiSchemaReference(ProblemSchema, context.Document), Example = ProblemExample(code, operation, context) },
            };
            if (s_errorDescriptions.TryGetValue(code, out var description) && IsFrameworkDescription(concrete.Description))
            {
                concrete.Description = description;
            }

            if (code is 429 or 503)
            {
                concrete.Headers ??= new Dictionary<string, IOpenApiHeader>();
                concrete.Headers["Retry-After"] = new OpenApiHeader
                {
                    Description = "Seconds to wait before trying again.",
                    Required = true,
                    Schema = new OpenApiSchema { Type = JsonSchemaType.Integer, Minimum = "1" },
                };
            }
        }

        // In status order, so a reader (and a diff of docs/openapi.json) finds them where expected.
        var ordered = operation.Responses.OrderBy(r => r.Key, StringComparer.Ordinal).ToList();
        operation.Responses.Clear();
        foreach (var (status, response) in ordered)
        {
            operation.Responses[status] = response;
        }

        return Task.CompletedTask;
    }

    /// <summary>What each status means to a client and what to do about it, where the endpoint's metadata gave only the reason phrase.</summary>
    private static readonly Dictionary<int, string> s_errorDescriptions = new()
    {
        [401] = "The email or password is incorrect: the same answer for both, on purpose.",
        [403] = "The resource belongs to another user: only its author may change or delete it.",
        [404] = "The post or comment does not exist (or no longer does).",
        [409] = "The email or username is already taken; errors names the field.",
        [422] = "One or more fields are invalid; errors names each with what is wrong. Show them next to the fields.",
        [429] = "Too many attempts from this address: wait Retry-After seconds.",
    };

    private static bool IsFrameworkDescription(string? description) =>
        description is null or "Forbidden" or "Not Found" or "Conflict" or "Unprocessable Entity" or "Too Many Requests" or "Unauthorized";

    private static void AddProblem(OpenApiOperation operation, string status, string description)
    {
        operation.Responses ??= [];
        if (operation.Responses.TryGetValue(status, out var existing))
        {
            if (existing is OpenApiResponse concrete && IsFrameworkDescription(concrete.Description))
            {
                concrete.Description = description;
            }

            return;
        }

        operation.Responses[status] = new OpenApiResponse { Description = description };
    }

    private static JsonObject ProblemExample(int status, OpenApiOperation operation, OpenApiOperationTransformerContext context)
    {
        var (type, title, detail) = Problems.Describe(status);
        var example = new JsonObject
        {
            ["type"] = type,
            ["title"] = title,
            ["status"] = status,
            ["detail"] = detail,
            ["trace_id"] = ExampleTraceId,
        };
        if (status is 409 or 422 && OpenApiSchemas.ExampleFieldError(status, operation, context) is var (field, message))
        {
            example["errors"] = new JsonObject { [field] = new JsonArray(message) };
        }

        return example;
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

/// <summary>A response header an endpoint sets, for the OpenAPI document (<see cref="OpenApiSetup"/>).</summary>
internal sealed record ResponseHeaderMetadata(int StatusCode, string Name, string Description);

internal static class ResponseHeaderMetadataExtensions
{
    public static TBuilder ProducesHeader<TBuilder>(this TBuilder builder, int statusCode, string name, string description) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new ResponseHeaderMetadata(statusCode, name, description));
}
