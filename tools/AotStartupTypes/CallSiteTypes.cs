using System.Text.Json;

/// <summary>The generic type names in a call site as the container describes it (JSON).</summary>
internal static class CallSiteTypes
{
    private static readonly string[] s_typeProperties = ["serviceType", "implementationType", "itemType"];

    public static IEnumerable<string> GenericTypeNames(string callSiteJson)
    {
        using var document = JsonDocument.Parse(callSiteJson);
        var names = new List<string>();
        Collect(document.RootElement, names);
        return names;
    }

    private static void Collect(JsonElement element, List<string> names)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    if (s_typeProperties.Contains(property.Name) && property.Value.GetString() is { } name && name.Contains('`', StringComparison.Ordinal))
                    {
                        names.Add(name);
                    }

                    Collect(property.Value, names);
                }

                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    Collect(item, names);
                }

                break;
            default:
                break;
        }
    }
}
