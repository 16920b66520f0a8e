using System.Text;

namespace CrmActors.Grains.ContactSync.VCards;

/// <summary>
/// Reads vCard text: unfolds lines (CRLF or LF followed by a space or tab; quoted-printable soft
/// breaks ending in '='), splits group, name, parameters (quoted, comma lists, 2.1 bare) and value.
/// </summary>
public static class VCardReader
{
    public static IReadOnlyList<VCard> ReadAll(string text)
    {
        var cards = new List<VCard>();
        List<VCardProperty>? current = null;
        foreach (var (line, original, number) in LogicalLines(text))
        {
            var property = ParseLine(line, original, number);
            if (property.Is("BEGIN") && property.RawValue.Trim().Equals("VCARD", StringComparison.OrdinalIgnoreCase))
            {
                if (current is not null)
                {
                    throw new VCardFormatException($"Line {number}: BEGIN:VCARD inside a card (nested cards are not supported).");
                }

                current = [];
            }
            else if (property.Is("END") && property.RawValue.Trim().Equals("VCARD", StringComparison.OrdinalIgnoreCase))
            {
                cards.Add(new VCard(current ?? throw new VCardFormatException($"Line {number}: END:VCARD without BEGIN:VCARD.")));
                current = null;
            }
            else
            {
                (current ?? throw new VCardFormatException($"Line {number}: a property outside BEGIN:VCARD … END:VCARD.")).Add(property);
            }
        }

        return current is null ? cards : throw new VCardFormatException("The card ends without END:VCARD (truncated?).");
    }

    private static IEnumerable<(string Line, List<string> Original, int Number)> LogicalLines(string text)
    {
        var physical = text.TrimStart('\uFEFF').Split(["\r\n", "\n", "\r"], StringSplitOptions.None);
        StringBuilder? line = null;
        List<string>? original = null;
        var start = 0;
        var softBreak = false;
        bool? quotedPrintable = null;
        for (var i = 0; i < physical.Length; i++)
        {
            var p = physical[i];
            if (line is not null && p.Length > 0 && (p[0] is ' ' or '\t') && !softBreak)
            {
                line.Append(p, 1, p.Length - 1);
                original!.Add(p);
                continue;
            }

            if (line is not null && softBreak && !p.StartsWith("END:VCARD", StringComparison.OrdinalIgnoreCase))
            {
                line.Length--; // the '=' of the soft line break
                line.Append(p);
                original!.Add(p);
                softBreak = EndsSoftBreak(line, ref quotedPrintable);
                continue;
            }

            if (line is not null)
            {
                yield return (line.ToString(), original!, start + 1);
            }

            line = null;
            if (p.Trim().Length == 0)
            {
                continue;
            }

            line = new StringBuilder(p);
            original = [p];
            start = i;
            quotedPrintable = null;
            softBreak = EndsSoftBreak(line, ref quotedPrintable);
        }

        if (line is not null)
        {
            yield return (line.ToString(), original!, start + 1);
        }
    }

    /// <summary>
    /// Whether the logical line so far ends in a quoted-printable soft break. Whether the property is quoted-printable is
    /// decided once, from its name and parameters: looking again at the whole growing line after each physical line made a
    /// card of many soft breaks take time quadratic in its size.
    /// </summary>
    private static bool EndsSoftBreak(StringBuilder line, ref bool? quotedPrintable)
    {
        if (line.Length == 0 || line[^1] != '=')
        {
            return false;
        }

        if (quotedPrintable is null)
        {
            var text = line.ToString();
            var colon = ValueStart(text);
            if (colon <= 0)
            {
                return false;
            }

            quotedPrintable = text[..colon].Contains("QUOTED-PRINTABLE", StringComparison.OrdinalIgnoreCase);
        }

        return quotedPrintable.Value;
    }

    /// <summary>The index of the ':' that ends name and parameters (colons inside quoted parameter values do not count).</summary>
    private static int ValueStart(string line)
    {
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            if (line[i] == '"')
            {
                quoted = !quoted;
            }
            else if (line[i] == ':' && !quoted)
            {
                return i;
            }
        }

        return -1;
    }

    internal static VCardProperty ParseLine(string line, IReadOnlyList<string>? original, int number)
    {
        var colon = ValueStart(line);
        if (colon <= 0)
        {
            throw new VCardFormatException($"Line {number} has no ':' between its name and value.");
        }

        var head = line[..colon];
        var nameEnd = head.IndexOf(';');
        var qualified = nameEnd < 0 ? head : head[..nameEnd];
        var dot = qualified.LastIndexOf('.');
        var group = dot > 0 ? qualified[..dot] : null;
        var name = qualified[(dot + 1)..].Trim();
        if (name.Length == 0)
        {
            throw new VCardFormatException($"Line {number} has an empty property name.");
        }

        var parameters = nameEnd < 0 ? [] : ParseParameters(head[(nameEnd + 1)..]);
        return new VCardProperty(name, line[(colon + 1)..], parameters, group, original);
    }

    private static List<VCardParameter> ParseParameters(string text)
    {
        var result = new List<VCardParameter>();
        var i = 0;
        while (i <= text.Length)
        {
            var eq = -1;
            var j = i;
            while (j < text.Length && text[j] != ';' && !(text[j] == '=' && eq < 0))
            {
                j++;
            }

            if (j < text.Length && text[j] == '=')
            {
                eq = j;
                var name = text[i..eq].Trim();
                var values = new List<string>();
                j = eq + 1;
                while (true)
                {
                    var value = new StringBuilder();
                    if (j < text.Length && text[j] == '"')
                    {
                        var close = text.IndexOf('"', j + 1);
                        close = close < 0 ? text.Length : close;
                        value.Append(text, j + 1, close - j - 1);
                        j = Math.Min(close + 1, text.Length);
                    }

                    while (j < text.Length && text[j] is not (',' or ';'))
                    {
                        value.Append(text[j++]);
                    }

                    values.Add(DecodeCaret(value.ToString()));
                    if (j < text.Length && text[j] == ',')
                    {
                        j++;
                        continue;
                    }

                    break;
                }

                result.Add(new VCardParameter(name, new ValueList<string>(values)));
            }
            else
            {
                var bare = text[i..j].Trim();
                if (bare.Length > 0)
                {
                    var isEncoding = bare.ToUpperInvariant() is "QUOTED-PRINTABLE" or "BASE64" or "8BIT" or "7BIT";
                    result.Add(new VCardParameter(isEncoding ? "ENCODING" : "TYPE", bare));
                }
            }

            i = j + 1;
        }

        return result;
    }

    /// <summary>RFC 6868: ^n newline, ^' double quote, ^^ caret.</summary>
    private static string DecodeCaret(string value) =>
        !value.Contains('^') ? value : value.Replace("^^", "\u0000").Replace("^n", "\n").Replace("^N", "\n").Replace("^'", "\"").Replace("\u0000", "^");
}
