using System.Collections.Immutable;
using CrmActors.Grains.Common;
using CrmActors.Grains.Organizations;

namespace CrmActors.Grains.Settings;

/// <summary>
/// One kind of configuration object an organization owns: how its objects are named, where they are
/// kept in <see cref="OrganizationState"/>, and how one is validated against the organization.
/// </summary>
public sealed class SettingKind<T> where T : class
{
    /// <summary>The component name in a configuration-copy preview, e.g. <c>workflow_rule</c>.</summary>
    public required string Component { get; init; }

    /// <summary>The human name used in messages, e.g. <c>workflow rule</c>.</summary>
    public required string Title { get; init; }

    /// <summary>The settings path under the organization, used in audit entries, e.g. <c>settings/workflow-rules</c>.</summary>
    public required string Path { get; init; }

    /// <summary>The object's name within the organization (unique, compared ignoring case).</summary>
    public required Func<T, string> Key { get; init; }

    public required Func<OrganizationState, ImmutableList<T>> Items { get; init; }

    public required Func<OrganizationState, ImmutableList<T>, OrganizationState> WithItems { get; init; }

    /// <summary>Validates the object as it would stand in the organization; returns its canonical form.</summary>
    public required Func<T, OrganizationState, T> Validate { get; init; }

    public T? Find(OrganizationState org, string key) =>
        Items(org).FirstOrDefault(item => string.Equals(Key(item), key, StringComparison.OrdinalIgnoreCase));

    /// <summary>The organization with <paramref name="item"/> added, or replacing the object of the same name.</summary>
    public OrganizationState Upsert(OrganizationState org, T item) =>
        Find(org, Key(item)) is { } existing ? WithItems(org, Items(org).Replace(existing, item)) : WithItems(org, Items(org).Add(item));

    /// <summary>Refuses the first object of this kind in <paramref name="org"/> that is no longer valid there.</summary>
    public void CheckAll(OrganizationState org)
    {
        foreach (var item in Items(org))
        {
            try
            {
                Validate(item, org);
            }
            catch (ProblemException problem)
            {
                throw ProblemException.Conflict(ProblemCodes.Conflict, $"The {Title} '{Key(item)}' would no longer be valid: {problem.Message}");
            }
        }
    }
}
