using Dapper;

namespace CrmActors.Grains.Storage;

public static class SqlList
{
    /// <summary>
    /// Adds one parameter per value and returns "@p0, @p1, …" for an IN list: Npgsql would take an
    /// array where SQLite needs separate parameters, so lists are spelled out for both.
    /// </summary>
    public static string Add<T>(DynamicParameters parameters, string prefix, IEnumerable<T> values)
    {
        var names = new List<string>();
        foreach (var value in values)
        {
            var name = $"{prefix}{names.Count}";
            parameters.Add(name, value);
            names.Add("@" + name);
        }

        return names.Count == 0 ? "NULL" : string.Join(", ", names);
    }
}
