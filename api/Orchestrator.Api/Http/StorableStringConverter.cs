using System.Text.Json;
using System.Text.Json.Serialization;

namespace Orchestrator.Api.Http;

/// <summary>
/// Reads every JSON string of a request body (values and dictionary keys) and refuses one that is not storable
/// (<see cref="StorableText"/>): U+0000 anywhere in a body becomes a 400 at binding, whichever field it is in and
/// whether or not the field's validator looks at control characters.
/// </summary>
public sealed class StorableStringConverter : JsonConverter<string>
{
    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => Checked(ref reader);

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStringValue(value);
    }

    public override string ReadAsPropertyName(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => Checked(ref reader)!;

    public override void WriteAsPropertyName(Utf8JsonWriter writer, string value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WritePropertyName(value);
    }

    private static string? Checked(ref Utf8JsonReader reader)
    {
        if (reader.TokenType is not (JsonTokenType.String or JsonTokenType.PropertyName))
        {
            throw new JsonException($"Expected a string, found {reader.TokenType}.");
        }

        var value = reader.GetString();
        return value is not null && StorableText.Problem(value, allowControl: true) is { } problem
            ? throw new JsonException($"A string {problem}.")
            : value;
    }
}
