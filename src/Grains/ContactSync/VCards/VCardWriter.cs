using System.Text;

namespace CrmActors.Grains.ContactSync.VCards;

/// <summary>
/// Writes cards with CRLF line ends, folding content lines at 75 octets without splitting a UTF-8
/// sequence or a surrogate pair (RFC 6350 §3.2). A property read from a card whose lines were within
/// that limit is written exactly as read; a quoted-printable value is folded with soft line breaks.
/// </summary>
public static class VCardWriter
{
    public const int MaxLineOctets = 75;

    public static string Write(VCard card)
    {
        var sb = new StringBuilder();
        sb.Append("BEGIN:VCARD\r\n");
        foreach (var property in card.Properties)
        {
            if (property.Original is { } original && original.All(l => Encoding.UTF8.GetByteCount(l) <= MaxLineOctets))
            {
                foreach (var line in original)
                {
                    sb.Append(line).Append("\r\n");
                }

                continue;
            }

            var composed = ComposeLine(property, card.Version);
            if (property.IsQuotedPrintable)
            {
                FoldQuotedPrintable(sb, composed);
            }
            else
            {
                Fold(sb, composed);
            }
        }

        sb.Append("END:VCARD\r\n");
        return sb.ToString();
    }

    public static string WriteAll(IEnumerable<VCard> cards) => string.Concat(cards.Select(Write));

    /// <summary>The unfolded content line of a property.</summary>
    public static string ComposeLine(VCardProperty property, string version)
    {
        var sb = new StringBuilder();
        if (property.Group is { } group)
        {
            sb.Append(group).Append('.');
        }

        sb.Append(property.Name);
        foreach (var parameter in property.Parameters)
        {
            sb.Append(';').Append(parameter.Name).Append('=');
            sb.AppendJoin(',', parameter.Values.Select(v => QuoteParameter(v, version.StartsWith('4'))));
        }

        return sb.Append(':').Append(property.RawValue).ToString();
    }

    private static string QuoteParameter(string value, bool caret)
    {
        var text = caret
            ? value.Replace("^", "^^").Replace("\r\n", "^n").Replace("\n", "^n").Replace("\"", "^'")
            : value.Replace("\r", " ").Replace("\n", " ").Replace("\"", "'");
        return text.IndexOfAny([';', ':', ',']) >= 0 ? $"\"{text}\"" : text;
    }

    /// <summary>Folds at <see cref="MaxLineOctets"/> octets per physical line, the leading space of a continuation included.</summary>
    public static void Fold(StringBuilder sb, string line)
    {
        var octets = 0;
        var limit = MaxLineOctets;
        for (var i = 0; i < line.Length; i++)
        {
            var width = char.IsHighSurrogate(line[i]) && i + 1 < line.Length ? 2 : 1;
            var size = Encoding.UTF8.GetByteCount(line.AsSpan(i, width));
            if (octets + size > limit)
            {
                sb.Append("\r\n ");
                octets = 1;
            }

            sb.Append(line, i, width);
            octets += size;
            i += width - 1;
        }

        sb.Append("\r\n");
    }

    /// <summary>Quoted-printable lines break with a trailing '=' (soft break) and never inside an =XX triplet.</summary>
    private static void FoldQuotedPrintable(StringBuilder sb, string line)
    {
        var start = 0;
        while (line.Length - start > MaxLineOctets)
        {
            var end = start + MaxLineOctets - 1;
            if (line[end - 1] == '=')
            {
                end -= 1;
            }
            else if (line[end - 2] == '=')
            {
                end -= 2;
            }

            sb.Append(line, start, end - start).Append("=\r\n");
            start = end;
        }

        sb.Append(line, start, line.Length - start).Append("\r\n");
    }
}
