namespace CrmActors.Grains.Common;

/// <summary>
/// A refusal the caller can act on. The API turns it into an RFC 9457 problem whose <c>type</c>
/// ends in <see cref="Code"/> (stable) and whose detail says what to change.
/// </summary>
public sealed class ProblemException(int status, string code, string detail, IReadOnlyDictionary<string, object?>? extensions = null)
    : Exception(detail)
{
    public int Status { get; } = status;

    public string Code { get; } = code;

    public IReadOnlyDictionary<string, object?> Extensions { get; } = extensions ?? new Dictionary<string, object?>();

    public static ProblemException Validation(string field, string detail) =>
        new(400, ProblemCodes.Validation, detail, new Dictionary<string, object?> { ["field"] = field });

    public static ProblemException BadRequest(string code, string detail) => new(400, code, detail);

    public static ProblemException NotFound(string what) => new(404, ProblemCodes.NotFound, $"{what} was not found.");

    public static ProblemException Forbidden(string detail) => new(403, ProblemCodes.Forbidden, detail);

    public static ProblemException Conflict(string code, string detail) => new(409, code, detail);
}
