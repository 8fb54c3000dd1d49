using System.Text.Json.Serialization;
using Cloudsign.Auth.Resources;
using Cloudsign.Auth.Signing;
using Cloudsign.Auth.Tokens;

namespace Cloudsign.Auth.Http;

/// <summary>
/// Source-generated serializers for every response body, so that no endpoint pays for reflection.
/// </summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(Envelope<object>), TypeInfoPropertyName = "EnvelopeObject")]
[JsonSerializable(typeof(Envelope<TokenPairData>))]
[JsonSerializable(typeof(Envelope<MeData>))]
[JsonSerializable(typeof(JsonWebKeySetDocument))]
public sealed partial class CloudsignJsonContext : JsonSerializerContext;
