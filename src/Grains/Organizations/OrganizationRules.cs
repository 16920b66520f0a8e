using System.Collections.Immutable;
using System.Text.RegularExpressions;
using CrmActors.Grains.Common;
using CrmActors.Grains.Scheduling;

namespace CrmActors.Grains.Organizations;

/// <summary>Validation of organization settings, users and schema changes; each refusal names the field.</summary>
public static partial class OrganizationRules
{
    public static void ValidateName(string? name)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Length > 200)
        {
            throw ProblemException.Validation("name", "name is required and must be at most 200 characters.");
        }
    }

    public static void ValidatePlan(string? plan)
    {
        if (!Plans.IsKnown(plan))
        {
            throw ProblemException.Validation("plan", $"plan must be one of {string.Join(", ", Plans.All)}.");
        }
    }

    public static void ValidateTimeZone(string? zone)
    {
        if (!ReminderSchedule.IsKnownTimeZone(zone))
        {
            throw ProblemException.Validation("timeZone", $"timeZone '{zone}' is not an IANA time zone such as 'Asia/Tokyo'.");
        }
    }

    public static void ValidateDomain(string? domain)
    {
        if (domain is null || !Domain().IsMatch(domain))
        {
            throw ProblemException.Validation("domain", "domain must be an e-mail domain such as 'example.com'.");
        }
    }

    public static void ValidateEmail(string field, string? email)
    {
        if (!IsEmail(email))
        {
            throw ProblemException.Validation(field, $"{field} must be an e-mail address such as 'name@example.com'.");
        }
    }

    public static bool IsEmail(string? value) => value is { Length: <= 254 } && Email().IsMatch(value.Trim());

    public static ImmutableList<string> NormalizeIntegrations(IReadOnlyList<string> integrations)
    {
        foreach (var name in integrations)
        {
            if (string.IsNullOrWhiteSpace(name) || name.Length > 50)
            {
                throw ProblemException.Validation("integrations", "Each integration is a product name of at most 50 characters, such as 'salesforce'.");
            }
        }

        return [.. integrations.Select(i => i.Trim().ToLowerInvariant()).Distinct().Order(StringComparer.Ordinal)];
    }

    /// <summary>
    /// Checks a profile and stores each module under its declared name (<c>contacts</c> becomes <c>Contacts</c>),
    /// so a permission granted in another case is never silently a denial.
    /// </summary>
    public static Profile ValidateProfile(Profile profile, OrganizationState org)
    {
        var modules = ImmutableSortedDictionary.CreateBuilder<string, ImmutableList<string>>(StringComparer.Ordinal);
        foreach (var (module, actions) in profile.Modules ?? ImmutableSortedDictionary<string, ImmutableList<string>>.Empty)
        {
            var definition = org.Module(module) ?? throw ProblemException.Validation("permissions.modules", $"There is no module {module}.");
            if (actions.FirstOrDefault(a => !Profile.ModuleActions.Contains(a)) is { } bad)
            {
                throw ProblemException.Validation("permissions.modules", $"'{bad}' is not a permission; use {string.Join(", ", Profile.ModuleActions)}.");
            }

            if (modules.ContainsKey(definition.Name))
            {
                throw ProblemException.Validation("permissions.modules", $"{definition.Name} is listed twice (module names ignore case).");
            }

            modules[definition.Name] = [.. actions.Distinct()];
        }

        profile = profile.Modules is null ? profile : profile with { Modules = modules.ToImmutable() };

        if (profile.Features.FirstOrDefault(f => !Profile.KnownFeatures.Contains(f)) is { } unknown)
        {
            throw ProblemException.Validation("permissions.features", $"'{unknown}' is not a feature; use {string.Join(", ", Profile.KnownFeatures)}.");
        }

        return profile;
    }

    public static FieldDefinition ValidateField(NewField field, ModuleDefinition module, OrganizationState org)
    {
        if (!ModuleDefinition.IsValidName(field.Name) || string.Equals(field.Name, "id", StringComparison.OrdinalIgnoreCase))
        {
            throw ProblemException.Validation("name", $"'{field.Name}' is not a field name: start with a letter, use letters, digits and '_' (not 'id').");
        }

        if (module.Field(field.Name) is not null)
        {
            throw ProblemException.Conflict(ProblemCodes.Conflict, $"Module {module.Name} already has a field {field.Name}.");
        }

        if (!FieldTypes.All.Contains(field.Type))
        {
            throw ProblemException.Validation("type", $"type must be one of {string.Join(", ", FieldTypes.All)}.");
        }

        var values = field.Type == FieldTypes.Picklist ? ValidatePicklistValues(field.Name, field.Values) : null;

        string? lookup = null;
        if (field.Type == FieldTypes.Lookup)
        {
            lookup = field.LookupModule == module.Name ? module.Name : org.Module(field.LookupModule ?? "")?.Name
                ?? throw ProblemException.Validation("lookupModule", $"Lookup {field.Name} needs lookupModule naming an existing module.");
        }

        return new FieldDefinition(field.Name, field.Type, field.Required, values, lookup, Parent: false, Custom: true);
    }

    /// <summary>A field with new picklist values and/or required flag; a standard field's required flag is fixed.</summary>
    public static FieldDefinition ChangeField(FieldDefinition field, IReadOnlyList<string>? values, bool? required)
    {
        var changed = field;
        if (values is not null)
        {
            if (field.Type != FieldTypes.Picklist)
            {
                throw ProblemException.Validation("values", $"{field.Name} is a {field.Type} field; only picklists have values.");
            }

            changed = changed with { Values = ValidatePicklistValues(field.Name, values) };
        }

        if (required is { } flag && flag != field.Required)
        {
            if (!field.Custom)
            {
                throw ProblemException.Validation("required", $"{field.Name} is a standard field; whether it is required cannot change.");
            }

            changed = changed with { Required = flag };
        }

        return changed;
    }

    private static ImmutableList<string> ValidatePicklistValues(string field, IReadOnlyList<string>? values) =>
        values is { Count: > 0 } && !values.Any(string.IsNullOrWhiteSpace) && values.Distinct().Count() == values.Count
            ? [.. values]
            : throw ProblemException.Validation("values", $"Picklist {field} needs a list of distinct, non-empty values.");

    [GeneratedRegex(@"^[^@\s""<>()\[\],;:]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$")]
    private static partial Regex Email();

    [GeneratedRegex(@"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$")]
    private static partial Regex Domain();
}
