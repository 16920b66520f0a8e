using System.Collections.Immutable;

namespace CrmActors.Grains.ContactSync.Sync;

/// <summary>
/// Field-by-field merge of a CRM record and its card against the values last synced. A field changed on
/// one side only takes that side's value; a field changed on both sides to different values is a
/// conflict, settled by the pair's policy. With no base (a record and card just linked by e-mail), any
/// difference between two present values is a conflict and a value present on one side only fills the other.
/// A one-way pair writes only its target side: fields changed only on the target are left alone there.
/// </summary>
public static class ThreeWayMerge
{
    public sealed record Result(
        ImmutableDictionary<string, string?> CrmChanges,
        ImmutableDictionary<string, string?> RemoteChanges,
        ImmutableDictionary<string, string?> Synced,
        int Conflicts);

    public static Result Merge(
        IEnumerable<string> fields, IReadOnlyDictionary<string, string?> crm, IReadOnlyDictionary<string, string?> remote,
        IReadOnlyDictionary<string, string?>? synced, string direction, string policy)
    {
        var crmChanges = ImmutableDictionary.CreateBuilder<string, string?>();
        var remoteChanges = ImmutableDictionary.CreateBuilder<string, string?>();
        var result = ImmutableDictionary.CreateBuilder<string, string?>();
        var conflicts = 0;
        foreach (var field in fields)
        {
            var c = FieldMapping.Empty(crm.GetValueOrDefault(field));
            var r = FieldMapping.Empty(remote.GetValueOrDefault(field));
            if (FieldMapping.Same(c, r))
            {
                result[field] = c;
                continue;
            }

            var hasBase = synced is not null;
            var b = FieldMapping.Empty(synced?.GetValueOrDefault(field));
            var crmChanged = !hasBase || !FieldMapping.Same(c, b);
            var remoteChanged = !hasBase || !FieldMapping.Same(r, b);
            string? winner;
            if (!hasBase && (c is null || r is null))
            {
                winner = c ?? r;
            }
            else if (crmChanged && remoteChanged)
            {
                conflicts++;
                winner = policy == SyncConflictPolicies.RemoteWins ? r : c;
            }
            else
            {
                winner = crmChanged ? c : r;
            }

            switch (direction)
            {
                case SyncDirections.CrmToRemote:
                    // The source's value is the base next time, so a later CRM edit is still seen as one.
                    result[field] = c;
                    if (FieldMapping.Same(winner, c))
                    {
                        remoteChanges[field] = c;
                    }

                    break;
                case SyncDirections.RemoteToCrm:
                    result[field] = r;
                    if (FieldMapping.Same(winner, r))
                    {
                        crmChanges[field] = r;
                    }

                    break;
                default:
                    result[field] = winner;
                    if (!FieldMapping.Same(winner, c))
                    {
                        crmChanges[field] = winner;
                    }

                    if (!FieldMapping.Same(winner, r))
                    {
                        remoteChanges[field] = winner;
                    }

                    break;
            }
        }

        return new Result(crmChanges.ToImmutable(), remoteChanges.ToImmutable(), result.ToImmutable(), conflicts);
    }
}
