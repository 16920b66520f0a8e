using System.Text.Json;

namespace CrmActors.Grains.Common;

/// <summary>
/// A refusal the caller can act on. The API turns it into an RFC 9457 problem whose <c>type</c>
/// ends in <see cref="Code"/> (stable) and whose detail says what to change. It crosses silos as a
/// grain call's exception, so its members are Orleans-serialized; extensions travel as JSON.
/// </summary>
[GenerateSerializer, Alias("crm.problem")]
public sealed class ProblemException : Exception
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    // As thrown; a copy deserialized on another silo has only the JSON, whose values read back as JsonElements.
    [NonSerialized]
    private readonly IReadOnlyDictionary<string, object?>? _extensions;

    public ProblemException(int status, string code, string detail, IReadOnlyDictionary<string, object?>? extensions = null)
        : base(detail)
    {
        Status = status;
        Code = code;
        _extensions = extensions;
        ExtensionsJson = extensions is { Count: > 0 } ? JsonSerializer.Serialize(extensions, Json) : null;
    }

    [Id(0)]
    public int Status { get; private set; }

    [Id(1)]
    public string Code { get; private set; } = "";

    [Id(2)]
    public string? ExtensionsJson { get; private set; }

    /// <summary>The field a validation refusal names, if any.</summary>
    public string? Field => Extensions.GetValueOrDefault("field") switch
    {
        string name => name,
        JsonElement { ValueKind: JsonValueKind.String } name => name.GetString(),
        _ => null,
    };

    public IReadOnlyDictionary<string, object?> Extensions =>
        _extensions ?? (ExtensionsJson is null
            ? new Dictionary<string, object?>()
            : JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(ExtensionsJson, Json)!.ToDictionary(e => e.Key, e => (object?)e.Value));

    public static ProblemException Validation(string field, string detail) =>
        new(400, ProblemCodes.Validation, detail, new Dictionary<string, object?> { ["field"] = field });

    public static ProblemException BadRequest(string code, string detail) => new(400, code, detail);

    public static ProblemException NotFound(string what) => new(404, ProblemCodes.NotFound, $"{what} was not found.");

    public static ProblemException Forbidden(string detail) => new(403, ProblemCodes.Forbidden, detail);

    public static ProblemException Conflict(string code, string detail) => new(409, code, detail);
}
