using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

// Usage: ef-interceptors <directory with the generated *.EFInterceptors.*.cs files>
if (args.Length != 1 || !Directory.Exists(args[0]))
{
    Console.Error.WriteLine("usage: ef-interceptors <directory of generated interceptors>");
    return 2;
}

var trees = new Dictionary<string, (SyntaxTree Tree, SemanticModel Model)>();
var rewritten = 0;
foreach (var file in Directory.GetFiles(args[0], "*.EFInterceptors.*.cs"))
{
    var code = File.ReadAllText(file);
    code = Generated.OldLocation().Replace(code, match =>
    {
        var (tree, model) = Load(match.Groups["path"].Value);
        var line = tree.GetText().Lines[int.Parse(match.Groups["line"].Value, CultureInfo.InvariantCulture) - 1];
        var token = tree.GetRoot().FindToken(line.Start + int.Parse(match.Groups["column"].Value, CultureInfo.InvariantCulture) - 1);
        var invocation = token.Parent?.AncestorsAndSelf().OfType<InvocationExpressionSyntax>().FirstOrDefault()
            ?? throw new InvalidOperationException($"no invocation at {match.Value}");
        var location = model.GetInterceptableLocation(invocation)
            ?? throw new InvalidOperationException($"not an interceptable call at {match.Value}");
        rewritten++;
        return $"[InterceptsLocation({location.Version}, \"{location.Data}\")]";
    });
    code = code
        .Replace("public InterceptsLocationAttribute(string filePath, int line, int column) { }", "public InterceptsLocationAttribute(int version, string data) { }", StringComparison.Ordinal)
        // EF names a local after the entity's full name, dots included (socialMedia.Api.Data.UserPrimaryKeyProperties).
        .Replace("socialMedia.Api.Data.", "socialMediaApiData", StringComparison.Ordinal);
    // Casts of an entity to EF's IInjectableService do not compile when the entity class is sealed.
    code = Generated.InjectableTest().Replace(code, "((object)$1 is IInjectableService)");
    code = Generated.InjectableCast().Replace(code, "((IInjectableService)(object)$1)");
    if (code.StartsWith("#nullable enable\n", StringComparison.Ordinal))
    {
        code = code["#nullable enable\n".Length..];
    }

    if (!code.StartsWith("#nullable", StringComparison.Ordinal))
    {
        // The generated code has nullable annotations but was not written to satisfy the analysis.
        code = "#nullable enable annotations\n" + code;
    }

    File.WriteAllText(file, code, new UTF8Encoding(true));
}

Console.WriteLine($"ef-interceptors: {rewritten} interceptor locations rewritten");
return 0;

(SyntaxTree, SemanticModel) Load(string path)
{
    if (!trees.TryGetValue(path, out var loaded))
    {
        // Read as the compiler reads it, so the content checksum is the one it computes.
        using var stream = File.OpenRead(path);
        var tree = CSharpSyntaxTree.ParseText(SourceText.From(stream), path: path);
        var model = CSharpCompilation.Create("locations", [tree]).GetSemanticModel(tree);
        trees[path] = loaded = (tree, model);
    }

    return loaded;
}

internal static partial class Generated
{
    [GeneratedRegex("""\[InterceptsLocation\(@"(?<path>[^"]+)", (?<line>\d+), (?<column>\d+)\)\]""")]
    public static partial Regex OldLocation();

    [GeneratedRegex(@"\((\w+) is IInjectableService\)")]
    public static partial Regex InjectableTest();

    [GeneratedRegex(@"\(\(IInjectableService\)(\w+)\)")]
    public static partial Regex InjectableCast();
}
