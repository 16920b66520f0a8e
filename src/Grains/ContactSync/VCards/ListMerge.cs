namespace CrmActors.Grains.ContactSync.VCards;

/// <summary>
/// Writes a list of wanted values (e-mails, phones, addresses, URLs) over the properties of one name:
/// an identical property stays as read, one with the same value gets the new types, the rest take
/// over leftover properties in order (keeping their group), then new ones follow the last of that name.
/// A dropped property's group companions (Apple's <c>itemN.X-ABLabel</c>) go with it.
/// </summary>
internal static class ListMerge
{
    public static VCard Merge<T>(VCard card, string name, IReadOnlyList<T> wanted, Func<VCardProperty, T> read,
        Func<T, T, bool> sameValue, Func<T, VCardProperty?, VCardProperty> build)
        where T : notnull
    {
        var existing = card.Properties.Where(p => p.Is(name)).ToList();
        var values = existing.Select(read).ToList();
        var replacement = new VCardProperty?[existing.Count];
        var taken = new bool[existing.Count];
        var pending = new List<T>();

        foreach (var want in wanted)
        {
            var i = Find(values, taken, v => v.Equals(want));
            if (i >= 0)
            {
                taken[i] = true;
                replacement[i] = existing[i];
            }
            else
            {
                pending.Add(want);
            }
        }

        var created = new List<VCardProperty>();
        foreach (var want in pending)
        {
            var i = Find(values, taken, v => sameValue(v, want));
            i = i >= 0 ? i : Find(values, taken, _ => true);
            if (i >= 0)
            {
                taken[i] = true;
                replacement[i] = build(want, existing[i]);
            }
            else
            {
                created.Add(build(want, null));
            }
        }

        if (created.Count == 0 && replacement.Select((r, i) => ReferenceEquals(r, existing[i])).All(same => same))
        {
            return card;
        }

        var droppedGroups = existing.Where((_, i) => replacement[i] is null && existing[i].Group is not null).Select(p => p.Group!).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var result = new List<VCardProperty>();
        var lastIndex = -1;
        foreach (var property in card.Properties)
        {
            var at = existing.FindIndex(e => ReferenceEquals(e, property));
            if (at >= 0)
            {
                if (replacement[at] is { } kept)
                {
                    result.Add(kept);
                }

                lastIndex = result.Count;
            }
            else if (property.Group is null || !droppedGroups.Contains(property.Group))
            {
                result.Add(property);
            }
        }

        result.InsertRange(lastIndex < 0 ? result.Count : lastIndex, created);
        return new VCard(result);
    }

    private static int Find<T>(List<T> values, bool[] taken, Func<T, bool> match)
    {
        for (var i = 0; i < values.Count; i++)
        {
            if (!taken[i] && match(values[i]))
            {
                return i;
            }
        }

        return -1;
    }
}
