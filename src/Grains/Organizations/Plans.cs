namespace CrmActors.Grains.Organizations;

public static class Plans
{
    public const string Free = "free";
    public const string Standard = "standard";
    public const string Professional = "professional";
    public const string Enterprise = "enterprise";
    public const string Ultimate = "ultimate";

    public static readonly IReadOnlyList<string> All = [Free, Standard, Professional, Enterprise, Ultimate];

    public static bool IsKnown(string? plan) => plan is not null && All.Contains(plan);
}

public static class Roles
{
    public const string Admin = "admin";
    public const string Standard = "standard";

    public static bool IsKnown(string? role) => role is Admin or Standard;
}
