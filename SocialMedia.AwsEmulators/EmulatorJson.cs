using System.Text.Json.Serialization;
using SocialMedia.AwsEmulators.Lambda;

namespace SocialMedia.AwsEmulators;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(LambdaError))]
[JsonSerializable(typeof(IReadOnlyDictionary<string, FunctionState>))]
[JsonSerializable(typeof(string))]
internal sealed partial class EmulatorJson : JsonSerializerContext;
