using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Latchkey.Server.Wire;

/// <summary>
/// Wix JSON conventions (docs/wire/conventions.md#json): camelCase, enums as strings, int64 as strings.
/// </summary>
public static class WixJson
{
    public static JsonSerializerOptions Options { get; } = Create();

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            // Unknown members are ignored (clients send extra fields such as clientMetaData), but a member of the
            // wrong type is an error, not a silent default.
            NumberHandling = JsonNumberHandling.AllowReadingFromString,
            MaxDepth = 32,
            // Messages stay readable ("it's", not "it\u0027s"); responses are JSON, never HTML.
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        };
        options.Converters.Add(new JsonStringEnumConverter());
        options.Converters.Add(new UtcTimestampConverter());
        return options;
    }
}

/// <summary>Timestamps as Wix writes them: UTC, millisecond precision, <c>Z</c> suffix.</summary>
public sealed class UtcTimestampConverter : JsonConverter<DateTimeOffset>
{
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        DateTimeOffset.Parse(reader.GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
}
