using CrmActors.Grains.Common;

namespace CrmActors.Grains.ContactSync.CardDav;

/// <summary>
/// Turns a failed pair validation (SPEC §5: "the address book is reached with the given credentials,
/// or the answer is a 4xx saying what failed") into the 400 problem the API returns. Codes are
/// <c>carddav-…</c> per <see cref="CardDavError"/>; an outbound refusal keeps its own problem.
/// </summary>
public static class CardDavProblems
{
    public static ProblemException ToProblem(this CardDavException e, string field = "remote") =>
        e is { Error: CardDavError.OutboundBlocked, InnerException: ProblemException blocked }
            ? blocked
            : new ProblemException(400, Code(e.Error), e.Message, new Dictionary<string, object?> { ["field"] = field, ["remoteStatus"] = e.StatusCode });

    public static string Code(CardDavError error) => error switch
    {
        CardDavError.OutboundBlocked => ProblemCodes.OutboundBlocked,
        CardDavError.Unreachable => "carddav-unreachable",
        CardDavError.Timeout => "carddav-timeout",
        CardDavError.Unauthorized => "carddav-unauthorized",
        CardDavError.Forbidden => "carddav-forbidden",
        CardDavError.NotFound => "carddav-not-found",
        CardDavError.PreconditionFailed => "carddav-precondition-failed",
        CardDavError.SyncTokenInvalid => "carddav-sync-token-invalid",
        CardDavError.NotSupported => "carddav-not-supported",
        CardDavError.InvalidResponse => "carddav-invalid-response",
        CardDavError.ResponseTooLarge => "carddav-response-too-large",
        CardDavError.Rejected => "carddav-rejected",
        _ => "carddav-server-error",
    };
}
