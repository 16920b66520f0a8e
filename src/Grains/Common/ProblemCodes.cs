namespace CrmActors.Grains.Common;

/// <summary>The stable problem codes; a problem's type is <c>https://crmactors.dev/problems/{code}</c>.</summary>
public static class ProblemCodes
{
    public const string Validation = "validation";
    public const string NotFound = "not-found";
    public const string Forbidden = "forbidden";
    public const string Unauthorized = "unauthorized";
    public const string Conflict = "conflict";
    public const string PayloadTooLarge = "payload-too-large";
    public const string UnsupportedMediaType = "unsupported-media-type";
    public const string MalformedBody = "malformed-body";
    public const string Gone = "gone";
    public const string QuotaExceeded = "quota-exceeded";
    public const string SubscriptionRequired = "subscription-required";
    public const string BackupBusy = "backup-busy";
    public const string PlanNotAllowed = "plan-not-allowed";
    public const string IntegrationsEnabled = "integrations-enabled";
    public const string KeyInvalid = "key-invalid";
    public const string OutboundBlocked = "outbound-blocked";
    public const string Unavailable = "unavailable";
    public const string PreconditionFailed = "precondition-failed";
}
