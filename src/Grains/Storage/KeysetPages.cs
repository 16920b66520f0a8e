namespace CrmActors.Grains.Storage;

public static class KeysetPages
{
    /// <summary>
    /// Every row of a query read a page at a time: <paramref name="page"/> reads up to the given number of rows after a
    /// key (<paramref name="start"/> first, then the <paramref name="key"/> of the last row read), each page on a
    /// connection of its own, so a slow reader holds no connection and no snapshot between pages. Stops after
    /// <paramref name="limit"/> rows.
    /// </summary>
    public static async IAsyncEnumerable<T> ReadAsync<T, TKey>(
        TKey start, Func<TKey, int, Task<List<T>>> page, Func<T, TKey> key, int pageSize, long limit = long.MaxValue)
    {
        for (var (after, left) = (start, limit); left > 0;)
        {
            var size = (int)Math.Min(pageSize, left);
            var rows = await page(after, size);
            foreach (var row in rows)
            {
                yield return row;
            }

            if (rows.Count < size)
            {
                yield break;
            }

            (after, left) = (key(rows[^1]), left - rows.Count);
        }
    }
}
