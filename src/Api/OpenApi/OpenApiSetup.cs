using System.ComponentModel.DataAnnotations;
using System.Text.Json.Nodes;
using Kudos.Api.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.OpenApi;
using Scalar.AspNetCore;

namespace Kudos.Api.OpenApi;

/// <summary>
/// The OpenAPI document (<c>/openapi/v1.json</c>) that web clients generate code from, and the interactive docs at
/// <c>/docs</c>. Types come from the handlers' signatures; these transformers add what types cannot say: the bearer
/// keys, the problems, which members are always present, and examples.
/// </summary>
public static class OpenApiSetup
{
    /// <summary>The security scheme every keyed operation names.</summary>
    public const string BearerScheme = "bearer";

    /// <summary>Configuration key: serve <c>/docs</c> (default: in Development only).</summary>
    public const string DocsEnabledKey = "ApiDocs:Enabled";

    /// <summary>The tags in the order the docs list them, with their descriptions.</summary>
    private static readonly (string Name, string Description)[] Tags =
    [
        ("Boards", "Boards and their cards: the owner's, contributors' and recipient's operations, each with its capability key."),
        ("Admin", "Operators: dispatches, held messages, suppressions, analytics and email health (admin key)."),
        ("Pictures", "Pictures on cards: uploaded by their author, re-encoded by the API, sealed like the card's text."),
        ("Thanks", "After delivery: reactions to cards and the recipient's thank-you note."),
        ("Webhooks", "Signed events from the email provider."),
        ("Unsubscribe", "RFC 8058 one-click unsubscribe links from invitation and reminder emails (HTML pages)."),
    ];

    public static IServiceCollection AddKudosOpenApi(this IServiceCollection services) => services.AddOpenApi(options =>
    {
        options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info = new OpenApiInfo
            {
                Title = "Kudos",
                Version = "v1",
                Description = "Kudos boards with sealed cards and scheduled delivery. Keys are capability keys sent as "
                    + "`Authorization: Bearer <key>`; each operation says which one it takes. A wrong or missing key on an existing "
                    + "board answers 404, exactly like an unknown board. Every error is an RFC 9457 problem "
                    + "(`application/problem+json`) with a `detail`, a stable `code` and, for input errors, the field in `errors`.",
            };
            // Relative: clients call the host they fetched the document from (the default would name this request's address).
            document.Servers = [new OpenApiServer { Url = "/", Description = "The host serving this document." }];
            // Known tags in their order with their descriptions, then any others as the framework found them.
            var tags = (document.Tags ?? Enumerable.Empty<OpenApiTag>())
                .Select(tag => (Tag: tag, Index: Array.FindIndex(Tags, known => known.Name == tag.Name)))
                .OrderBy(t => t.Index < 0 ? Tags.Length : t.Index)
                .ToList();
            foreach (var (tag, index) in tags)
            {
                tag.Description ??= index < 0 ? null : Tags[index].Description;
            }

            document.Tags = new HashSet<OpenApiTag>(tags.Select(t => t.Tag));

            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes[BearerScheme] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                Description = "A capability key (43 characters, base64url): owner, contribute, card or recipient key of a board, or the admin key.",
            };
            return Task.CompletedTask;
        });
        options.AddOperationTransformer((operation, context, _) =>
        {
            var metadata = context.Description.ActionDescriptor.EndpointMetadata;
            if (metadata.OfType<AcceptsKeysMetadata>().LastOrDefault() is { } keys)
            {
                DescribeKeys(operation, keys, context.Document);
            }
            else
            {
                // Explicitly open: anyone may call it (an empty requirement).
                operation.Security = [new OpenApiSecurityRequirement()];
            }

            if (metadata.OfType<IdempotentMetadata>().Any())
            {
                operation.Parameters ??= [];
                operation.Parameters.Add(new OpenApiParameter
                {
                    Name = Idempotency.Header,
                    In = ParameterLocation.Header,
                    Required = false,
                    Description = "A random UUID per logical request: a retry with the same key and content within 24 h returns the first response and does nothing again; the same key with other content is a 422 problem (IETF httpapi idempotency-key draft).",
                    Schema = new OpenApiSchema { Type = JsonSchemaType.String, MinLength = Idempotency.MinKeyLength, MaxLength = Idempotency.MaxKeyLength },
                });
            }

            // Body parameters are nullable so that an empty body gets the product's own problem; the body is still required
            // and is never null.
            if (operation.RequestBody is OpenApiRequestBody body)
            {
                body.Required = true;
                foreach (var media in body.Content?.Values ?? [])
                {
                    if (media.Schema is OpenApiSchema { OneOf: [{ Type: JsonSchemaType.Null }, var nonNull] })
                    {
                        media.Schema = nonNull;
                    }
                }
            }

            if (metadata.OfType<BinaryBodyMetadata>().LastOrDefault() is { } binary)
            {
                operation.RequestBody = new OpenApiRequestBody
                {
                    Required = true,
                    Content = binary.ContentTypes.ToDictionary(type => type, _ => new OpenApiMediaType()),
                };
            }

            DescribeBinaryImages(operation);
            DescribeProblems(operation);
            OpenApiExamples.Apply(operation);
            return Task.CompletedTask;
        });
        options.AddSchemaTransformer((schema, context, _) =>
        {
            if (context.JsonPropertyInfo is { AttributeProvider: { } attributes })
            {
                // Formats the framework does not derive from the annotations on request members.
                if (attributes.IsDefined(typeof(EmailAddressAttribute), inherit: false))
                {
                    schema.Format = "email";
                }
                else if (schema.Pattern == Instants.Pattern)
                {
                    schema.Format = "date-time";
                }
            }

            var type = context.JsonTypeInfo.Type;
            if (type == typeof(ProblemDetails))
            {
                DescribeProblemSchema(schema);
            }
            else if (typeof(IRequestBody).IsAssignableFrom(type))
            {
                // A request may leave out whatever is not marked [Required] (the framework would require every constructor parameter).
                schema.Required = new HashSet<string>(
                    context.JsonTypeInfo.Properties.Where(p => p.AttributeProvider?.IsDefined(typeof(RequiredAttribute), inherit: false) == true).Select(p => p.Name),
                    StringComparer.Ordinal);
            }
            else if (schema.Properties is { Count: > 0 } properties && type.Namespace?.StartsWith("Kudos.", StringComparison.Ordinal) == true)
            {
                // Responses write every member (null when there is no value): a client can rely on each being present.
                schema.Required = new HashSet<string>(properties.Keys, StringComparer.Ordinal);
            }

            return Task.CompletedTask;
        });
    });

    /// <summary>The document, and <c>/docs</c> where enabled.</summary>
    public static WebApplication MapKudosOpenApi(this WebApplication app)
    {
        app.MapOpenApi();
        if (app.Configuration.GetValue(DocsEnabledKey, app.Environment.IsDevelopment()))
        {
            // Everything from this server: the reference's scripts come from the package, and its fonts (a CDN), AI chat,
            // MCP, telemetry and hosted developer tools (other services) are off.
            app.MapScalarApiReference("/docs", options => options
                .WithTitle("Kudos API")
                .DisableDefaultFonts()
                .DisableAgent()
                .DisableMcp()
                .DisableTelemetry()
                .HideDeveloperTools()
                .WithDotNetFlag(false)
                .AddPreferredSecuritySchemes([BearerScheme])
                .ShowOperationId());
        }

        return app;
    }

    private static void DescribeKeys(OpenApiOperation operation, AcceptsKeysMetadata keys, OpenApiDocument? document)
    {
        operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, document)] = [] }];
        if (keys.Optional)
        {
            // An empty requirement: the operation also works without any key.
            operation.Security.Add(new OpenApiSecurityRequirement());
        }

        var names = string.Join(" or ", keys.Keys.Select(KeyName));
        var line = keys.Optional
            ? $"**Key (optional):** the {names}, as `Authorization: Bearer <key>`."
            : $"**Key:** the {names} key, as `Authorization: Bearer <key>`.";
        operation.Description = operation.Description is { Length: > 0 } existing ? $"{existing}\n\n{line}" : line;
    }

    /// <summary>Pictures travel as raw bytes (the body of an upload, the answer of a read), not base64 or a JSON stream object.</summary>
    private static void DescribeBinaryImages(OpenApiOperation operation)
    {
        var contents = (operation.RequestBody?.Content ?? new Dictionary<string, OpenApiMediaType>())
            .Concat(operation.Responses?.Values.SelectMany(r => r.Content ?? new Dictionary<string, OpenApiMediaType>()) ?? []);
        foreach (var (type, media) in contents)
        {
            if (type.StartsWith("image/", StringComparison.Ordinal) && media is OpenApiMediaType concrete)
            {
                concrete.Schema = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" };
            }
        }
    }

    private static string KeyName(ApiKey key) => key switch
    {
        ApiKey.Owner => "owner",
        ApiKey.Contribute => "contribution",
        ApiKey.Card => "card",
        ApiKey.Recipient => "recipient",
        ApiKey.Admin => "admin",
        ApiKey.OwnerCredential => "owner credential (`oc_…`)",
        ApiKey.Reader => "reader (a contributor's own, from their \"delivered\" email)",
        _ => throw new ArgumentOutOfRangeException(nameof(key), key, null),
    };

    private static void DescribeProblems(OpenApiOperation operation)
    {
        foreach (var (status, response) in operation.Responses ?? [])
        {
            if (response is not OpenApiResponse problem || ProblemDescription(status) is not { } description)
            {
                continue;
            }

            problem.Description = description;
            if (status is "429" or "503")
            {
                problem.Headers ??= new Dictionary<string, IOpenApiHeader>();
                problem.Headers["Retry-After"] = new OpenApiHeader
                {
                    Description = "Seconds to wait before retrying.",
                    Schema = new OpenApiSchema { Type = JsonSchemaType.Integer, Minimum = "0" },
                };
            }
        }
    }

    private static string? ProblemDescription(string status) => status switch
    {
        "400" => "Invalid input or malformed JSON: `detail` says what, `code` is stable, `errors` names the field.",
        "401" => "The key or signature is missing or wrong.",
        "403" => "The board is sealed until its delivery instant (`code`: `board_sealed`).",
        "404" => "No such resource, or the key does not open it (indistinguishable on purpose).",
        "409" => "The resource's state forbids this, e.g. delivered, cancelled, posting closed or a full board.",
        "413" => $"The request body is larger than {RequestBodies.MaxBytes / 1024} KB.",
        "415" => "The body is not JSON, or not in a charset the server reads (send UTF-8 `application/json`).",
        "422" => "The request is well-formed but cannot be processed as it stands.",
        "429" => "Too many requests from this client: wait `Retry-After` seconds.",
        "503" => "The board service is temporarily unreachable; nothing was changed. Retry later.",
        _ => null,
    };

    private static void DescribeProblemSchema(OpenApiSchema schema)
    {
        schema.Description = "An RFC 9457 problem. `code` is stable and machine-readable; `errors` maps an input field to its messages.";
        schema.Properties ??= new Dictionary<string, IOpenApiSchema>();
        schema.Properties["code"] = new OpenApiSchema
        {
            Type = JsonSchemaType.String,
            Description = "A stable machine-readable code, e.g. `board_sealed`, `not_found`, `invalid_title`, `malformed_json`.",
            Examples = [JsonValue.Create("board_sealed")],
        };
        schema.Properties["errors"] = new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Description = "For input errors: the field (camelCase, as in the body) and what is wrong with it.",
            AdditionalProperties = new OpenApiSchema { Type = JsonSchemaType.Array, Items = new OpenApiSchema { Type = JsonSchemaType.String } },
        };
        schema.Properties["traceId"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "The request's trace id, for support." };
    }
}
