using System.Text;

namespace CrmActors.Grains.ContactSync.VCards;

/// <summary>Text value escaping (RFC 6350 §3.4, RFC 2426 §5): <c>\\</c>, <c>\n</c>, <c>\,</c>, <c>\;</c>, and splitting at unescaped separators.</summary>
public static class VCardText
{
    public static string Escape(string text)
    {
        var sb = new StringBuilder(text.Length + 8);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            switch (c)
            {
                case '\\': sb.Append(@"\\"); break;
                case ',': sb.Append(@"\,"); break;
                case ';': sb.Append(@"\;"); break;
                case '\r' when i + 1 < text.Length && text[i + 1] == '\n': break;
                case '\r' or '\n': sb.Append(@"\n"); break;
                default: sb.Append(c); break;
            }
        }

        return sb.ToString();
    }

    public static string Unescape(string value)
    {
        if (!value.Contains('\\'))
        {
            return value;
        }

        var sb = new StringBuilder(value.Length);
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] != '\\' || i + 1 == value.Length)
            {
                sb.Append(value[i]);
                continue;
            }

            var next = value[++i];
            // Unknown escapes keep the escaped character: "\:" from some exporters means ':'.
            sb.Append(next is 'n' or 'N' ? '\n' : next);
        }

        return sb.ToString();
    }

    /// <summary>Splits at <paramref name="separator"/> where it is not escaped; the parts stay escaped.</summary>
    public static List<string> Split(string value, char separator)
    {
        var parts = new List<string>();
        var start = 0;
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] == '\\')
            {
                i++;
            }
            else if (value[i] == separator)
            {
                parts.Add(value[start..i]);
                start = i + 1;
            }
        }

        parts.Add(value[start..]);
        return parts;
    }

    /// <summary>A structured value (N, ADR, ORG): components at unescaped ';', each unescaped.</summary>
    public static List<string> SplitComponents(string value) => [.. Split(value, ';').Select(Unescape)];

    public static string JoinComponents(IEnumerable<string?> components) =>
        string.Join(';', components.Select(c => Escape(c ?? "")));
}
