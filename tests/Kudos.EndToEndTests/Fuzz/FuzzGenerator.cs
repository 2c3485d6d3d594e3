using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Kudos.EndToEndTests.Fuzz;

/// <summary>An operation of the API as its OpenAPI document declares it.</summary>
public sealed record FuzzRoute(string Method, string Template, IReadOnlyList<(string Name, string In)> Parameters, JsonObject? Body)
{
    public override string ToString() => $"{Method} {Template}";

    /// <summary>Every operation of the served document, with a sample body built from its example or its schema.</summary>
    public static IReadOnlyList<FuzzRoute> FromOpenApi(JsonNode document)
    {
        var routes = new List<FuzzRoute>();
        foreach (var (template, item) in document["paths"]!.AsObject())
        {
            foreach (var (method, operation) in item!.AsObject().Where(o => o.Key is not "parameters" and not "summary" and not "description"))
            {
                var parameters = (operation!["parameters"]?.AsArray() ?? [])
                    .Select(p => (p!["name"]!.GetValue<string>(), p["in"]!.GetValue<string>()))
                    .ToList();
                var json = operation["requestBody"]?["content"]?["application/json"];
                var body = json?["example"] is JsonObject example
                    ? example.DeepClone().AsObject()
                    : json?["schema"] is { } schema ? Sample(schema, document, depth: 0) as JsonObject : null;
                routes.Add(new FuzzRoute(method.ToUpperInvariant(), template, parameters, body));
            }
        }

        return routes;
    }

    private static JsonNode? Sample(JsonNode schema, JsonNode document, int depth)
    {
        if (depth > 4)
        {
            return null;
        }

        if (schema["$ref"]?.GetValue<string>() is { } reference)
        {
            return Sample(document["components"]!["schemas"]![reference.Split('/')[^1]]!, document, depth + 1);
        }

        var type = schema["type"] switch
        {
            JsonArray types => types.Select(t => t!.GetValue<string>()).FirstOrDefault(t => t != "null"),
            JsonValue one => one.GetValue<string>(),
            _ => schema["properties"] is not null ? "object" : null,
        };
        return type switch
        {
            "object" => new JsonObject((schema["properties"]?.AsObject() ?? [])
                .Select(p => KeyValuePair.Create(p.Key, Sample(p.Value!, document, depth + 1)))),
            "array" => schema["items"] is { } items ? new JsonArray(Sample(items, document, depth + 1)) : new JsonArray(),
            "integer" or "number" => 1,
            "boolean" => true,
            "string" when schema["format"]?.GetValue<string>() == "date-time" => DateTimeOffset.UtcNow.AddDays(1).ToString("O", CultureInfo.InvariantCulture),
            "string" when schema["format"]?.GetValue<string>() == "email" => "fuzz@example.test",
            "string" => "text",
            _ => null,
        };
    }
}

/// <summary>The real things the generator mixes in, so that some requests get past the keys and reach the grains.</summary>
public sealed record FuzzKnowns(
    IReadOnlyList<string> BoardIds,
    IReadOnlyList<string> CardIds,
    IReadOnlyList<string> Keys,
    IReadOnlyList<string> DispatchIds,
    IReadOnlyList<string> Addresses);

/// <summary>
/// Generates requests at the API's routes from one seed: every request is a pure function of (seed, index), so a failure
/// is replayed by running with the same seed and count. Values are random and boundary: wrong types, huge numbers, unicode,
/// missing and duplicated headers, bad keys, truncated and oversized bodies, odd content types and charsets.
/// </summary>
public sealed class FuzzGenerator(int seed, IReadOnlyList<FuzzRoute> routes, FuzzKnowns knowns)
{
    private const string RawMarker = "\u0001raw:";

    private static readonly string[] ContentTypes =
    [
        "application/json; charset=utf-8", "application/json; charset=utf-7", "application/json; charset=UTF-16",
        "application/json; charset=utf-32", "application/json; charset=latin1", "application/json; charset=us-ascii",
        "application/json; charset=bogus-9", "application/json; charset=\"\"", "application/json; charset=", "application/json;;;",
        "application/json; charset=utf-8; charset=utf-7", "application/problem+json", "application/vnd.kudos+json", "text/json",
        "text/plain", "text/html; charset=utf-8", "application/x-www-form-urlencoded", "multipart/form-data",
        "multipart/form-data; boundary=fuzz", "application/octet-stream", "*/*", "application/*", "json", "", ";", "application/json\u00e9",
    ];

    private static readonly string[] Strings =
    [
        "", " ", "\t", "a", "null", "true", "0", "-1", new string('x', 100), new string('x', 101), new string('y', 200), new string('z', 4001),
        new string('w', 20_000), string.Concat(Enumerable.Repeat("😀", 60)), "\u202Eevil\u202C", "\u0000", "\uFEFF", "\uD800", "e\u0301",
        "<script>alert(1)</script>", "Ω≈ç√∫˜µ≤≥÷", "田中さん", "ada@example.test", "ADA@EXAMPLE.TEST", "a@b", "@example.test", "not-an-email",
        "ada@example.test\r\nBcc: x@y.z", "a@" + new string('d', 300) + ".test", "ada@exämple.test", "ada+tag@example.test",
        "2026-01-01T00:00:00Z", "1999-12-31T23:59:59+01:00", "9999-12-31T23:59:59Z", "0001-01-01T00:00:00Z", "2026-02-30T10:00:00Z",
        "2026-06-01T10:00:00", "2026-06-01", "yesterday", "Europe/Paris", "Mars/Olympus", "UTC", "Etc/GMT+14", "../../etc/passwd",
        "%00", "${jndi:ldap://x}", "'; DROP TABLE boards; --", "00000000-0000-0000-0000-000000000000", "Bearer x",
    ];

    private static readonly string[] RawNumbers =
    [
        "0", "-0", "1", "-1", "1.5", "2147483647", "2147483648", "-2147483649", "9223372036854775808", "1e308", "1e400", "-1e400",
        "123456789012345678901234567890", "0.0000000000000000000001", "1E+2",
    ];

    private static readonly string[] AuthSchemes = ["Bearer", "bearer", "BEARER", "Basic", "Token", ""];

    private readonly string[] _headerNames = ["Idempotency-Key", "Accept", "Accept-Charset", "X-Forwarded-For", "If-None-Match", "Origin", "Cookie", "Range"];

    public FuzzRequest Create(int index)
    {
        // Not HashCode.Combine: its seed changes with every process, and a replay must generate the same request.
        var random = new Random(unchecked((seed * 1_000_003) + index));
        var route = routes[index % routes.Count];
        var headers = new List<(string, string)>();
        AddAuthorization(random, headers);
        for (var i = random.Next(4); i > 0; i--)
        {
            headers.Add((Pick(random, _headerNames), HeaderValue(random)));
        }

        var path = new StringBuilder();
        foreach (var segment in route.Template.Split('/'))
        {
            if (segment.Length == 0)
            {
                continue;
            }

            path.Append('/').Append(segment.StartsWith('{') ? PathValue(random, segment.Trim('{', '}', '*')) : segment);
        }

        if (path.Length == 0)
        {
            path.Append('/');
        }

        var query = new List<string>();
        foreach (var (name, location) in route.Parameters)
        {
            if (location == "query" && random.Next(3) > 0)
            {
                query.Add($"{name}={Uri.EscapeDataString(QueryValue(random))}");
            }
            else if (location == "header" && random.Next(2) == 0)
            {
                var value = HeaderValue(random);
                headers.Add((name, value));
                if (random.Next(6) == 0)
                {
                    headers.Add((name, HeaderValue(random)));
                }
            }
        }

        if (random.Next(6) == 0)
        {
            query.Add($"{Uri.EscapeDataString(Pick(random, Strings))}={Uri.EscapeDataString(Pick(random, Strings))}");
        }

        if (query.Count > 0)
        {
            path.Append('?').Append(string.Join('&', query));
        }

        var hasBody = route.Body is not null ? random.Next(10) > 0 : random.Next(5) == 0;
        var body = hasBody ? Body(random, route.Body) : null;
        var contentTypes = body is null ? [] : ContentTypesFor(random);
        var sign = route.Template.StartsWith("/api/webhooks", StringComparison.Ordinal) && random.Next(2) == 0;
        return new FuzzRequest(index, route.ToString(), route.Method, path.ToString(), headers, body, contentTypes, sign);
    }

    private static T Pick<T>(Random random, IReadOnlyList<T> values) => values[random.Next(values.Count)];

    private void AddAuthorization(Random random, List<(string, string)> headers)
    {
        var count = random.Next(10) switch { 0 => 0, 1 => 2, _ => 1 };
        for (var i = 0; i < count; i++)
        {
            var key = random.Next(4) switch
            {
                0 => Pick(random, Strings),
                1 => MutateKey(random, Pick(random, knowns.Keys)),
                _ => Pick(random, knowns.Keys),
            };
            var scheme = random.Next(5) == 0 ? Pick(random, AuthSchemes) : "Bearer";
            headers.Add(("Authorization", random.Next(12) == 0 ? key : $"{scheme} {key}".Trim()));
        }
    }

    private static string MutateKey(Random random, string key) => random.Next(4) switch
    {
        0 => key[..^1],
        1 => key + "A",
        2 => key.ToUpperInvariant(),
        _ => key[..(key.Length / 2)] + '!' + key[((key.Length / 2) + 1)..],
    };

    private string PathValue(Random random, string name)
    {
        var known = name switch
        {
            "id" when random.Next(2) == 0 => Pick(random, knowns.BoardIds.Concat(knowns.DispatchIds).ToList()),
            "cardId" when random.Next(2) == 0 => Pick(random, knowns.CardIds),
            "address" when random.Next(2) == 0 => Pick(random, knowns.Addresses),
            _ => null,
        };
        if (known is not null)
        {
            return random.Next(10) == 0 ? known.ToUpperInvariant() : known;
        }

        return random.Next(8) switch
        {
            0 => new Guid(RandomBytes(random, 16)).ToString(random.Next(2) == 0 ? "D" : "N"),
            1 => new Guid(RandomBytes(random, 16)).ToString(),
            2 => Pick(random, (string[])["%00", "%ZZ", "..%2F..", "%2F", "%F0%9F%98%80", "%C3%28", "-1", "1e309", "~", "*", "a;b=c", "%20"]),
            _ => Uri.EscapeDataString(Pick(random, Strings) is { Length: > 0 } s ? s : "x"),
        };
    }

    private static string QueryValue(Random random) => random.Next(3) switch
    {
        0 => Pick(random, RawNumbers),
        1 => DateTimeOffset.UtcNow.AddDays(random.Next(-4000, 4000)).ToString(random.Next(2) == 0 ? "O" : "yyyy-MM-dd", CultureInfo.InvariantCulture),
        _ => Pick(random, Strings),
    };

    private static string HeaderValue(Random random) => random.Next(5) switch
    {
        0 => new Guid(RandomBytes(random, 16)).ToString(),
        1 => "",
        2 => new string('k', random.Next(1, 3) * 300),
        _ => Pick(random, Strings).Replace("\r", "", StringComparison.Ordinal).Replace("\n", "", StringComparison.Ordinal).Replace("\0", "", StringComparison.Ordinal),
    };

    private static List<string> ContentTypesFor(Random random) => random.Next(10) switch
    {
        < 5 => ["application/json"],
        5 => [],
        6 => ["application/json", Pick(random, ContentTypes)],
        _ => [Pick(random, ContentTypes)],
    };

    private static byte[] Body(Random random, JsonObject? sample)
    {
        var json = sample is null ? new JsonObject { ["x"] = 1 } : sample.DeepClone().AsObject();
        switch (random.Next(20))
        {
            case 0:
                return [];
            case 1:
                return Encoding.UTF8.GetBytes(Pick(random, (string[])["null", "[]", "{}", "0", "\"text\"", "true", "[{}]", "{", "}", "{\"a\":}", "a=b&c=d", "<xml/>"]));
            case 2:
                return Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("[", random.Next(60, 3000))) + string.Concat(Enumerable.Repeat("]", random.Next(0, 3000))));
            case 3:
                // Over the 64 KB body limit.
                return Encoding.UTF8.GetBytes("{\"title\":\"" + new string('t', random.Next(65_000, 200_000)) + "\"}");
            case 4:
                return RandomBytes(random, random.Next(1, 400));
            case 5:
                return [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(json.ToJsonString())];
            case 6:
                return Encoding.Unicode.GetBytes(json.ToJsonString());
            case 7:
                var duplicate = json.ToJsonString();
                return Encoding.UTF8.GetBytes(json.Count == 0 ? duplicate : duplicate.TrimEnd('}') + $",\"{json.First().Key}\":{RawValue(random)}}}");
            default:
                break;
        }

        Mutate(random, json, depth: 0);
        var text = Render(json.ToJsonString());
        if (random.Next(6) == 0)
        {
            // Truncated: the connection's body ends mid-document.
            text = text[..random.Next(text.Length)];
        }

        return Encoding.UTF8.GetBytes(text);
    }

    private static void Mutate(Random random, JsonObject json, int depth)
    {
        var keys = json.Select(p => p.Key).ToList();
        for (var changes = random.Next(4); changes > 0; changes--)
        {
            switch (random.Next(5))
            {
                case 0 when keys.Count > 0:
                    json.Remove(Pick(random, keys));
                    break;
                case 1:
                    json[Pick(random, Strings) is { Length: > 0 and < 50 } name ? name : "extra"] = Value(random, depth);
                    break;
                default:
                    if (keys.Count > 0)
                    {
                        var key = Pick(random, keys);
                        if (json[key] is JsonObject nested && random.Next(2) == 0 && depth < 3)
                        {
                            Mutate(random, nested, depth + 1);
                        }
                        else
                        {
                            json[key] = Value(random, depth);
                        }
                    }

                    break;
            }
        }
    }

    private static JsonNode? Value(Random random, int depth) => random.Next(10) switch
    {
        0 => null,
        1 => random.Next(2) == 0,
        2 or 3 => JsonValue.Create(RawMarker + Pick(random, RawNumbers)),
        4 when depth < 3 => new JsonArray([.. Enumerable.Range(0, Pick(random, (int[])[0, 1, 2, 101, 500])).Select(i => (JsonNode?)(random.Next(8) == 0 ? Value(random, depth + 1) : $"p{i}@example.test"))]),
        5 when depth < 3 => new JsonObject { [Pick(random, Strings) is { Length: > 0 and < 40 } k ? k : "k"] = Value(random, depth + 1) },
        _ => Pick(random, Strings),
    };

    private static string RawValue(Random random) => random.Next(3) switch
    {
        0 => Pick(random, RawNumbers),
        1 => "null",
        _ => System.Text.Json.JsonSerializer.Serialize(Pick(random, Strings)),
    };

    /// <summary>Numbers a JSON DOM cannot hold (1e400, 30 digits) travel as marked strings and are written raw here.</summary>
    private static string Render(string json)
    {
        var marker = System.Text.Json.JsonSerializer.Serialize(RawMarker)[1..^1];
        var text = new StringBuilder();
        var at = 0;
        while (json.IndexOf('"' + marker, at, StringComparison.Ordinal) is var start and >= 0)
        {
            var end = json.IndexOf('"', start + 1 + marker.Length);
            text.Append(json, at, start - at).Append(json, start + 1 + marker.Length, end - start - 1 - marker.Length);
            at = end + 1;
        }

        return text.Append(json, at, json.Length - at).ToString();
    }

    private static byte[] RandomBytes(Random random, int count)
    {
        var bytes = new byte[count];
        random.NextBytes(bytes);
        return bytes;
    }
}
