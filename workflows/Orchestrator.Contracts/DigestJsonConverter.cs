using System.Text.Json;
using System.Text.Json.Serialization;

namespace Orchestrator.Contracts;

/// <summary>Reads and writes a <see cref="Digest"/> as its text form; anything else is a JSON error.</summary>
public sealed class DigestJsonConverter : JsonConverter<Digest>
{
    /// <inheritdoc/>
    public override Digest Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.String && Digest.TryParse(reader.GetString(), out var digest)
            ? digest
            : throw new JsonException($"expected a digest string of the form {Digest.Prefix}<64 lowercase hex digits>");

    /// <inheritdoc/>
    public override void Write(Utf8JsonWriter writer, Digest value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStringValue(value.ToString());
    }
}
