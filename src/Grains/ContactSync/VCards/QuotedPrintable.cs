using System.Text;

namespace CrmActors.Grains.ContactSync.VCards;

/// <summary>vCard 2.1/3.0 <c>ENCODING=QUOTED-PRINTABLE</c> as phones and Outlook export it, decoded through the <c>CHARSET</c> parameter.</summary>
public static class QuotedPrintable
{
    static QuotedPrintable() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    public static string Decode(string value, string? charset)
    {
        var bytes = new List<byte>(value.Length);
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] == '=' && i + 2 < value.Length && IsHex(value[i + 1]) && IsHex(value[i + 2]))
            {
                bytes.Add(Convert.ToByte(value.Substring(i + 1, 2), 16));
                i += 2;
            }
            else
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(value[i].ToString()));
            }
        }

        return GetEncoding(charset).GetString([.. bytes]);
    }

    /// <summary>The encoding a CHARSET names; UTF-8 when absent or unknown, so an odd label never loses the card.</summary>
    public static Encoding GetEncoding(string? charset)
    {
        if (string.IsNullOrWhiteSpace(charset))
        {
            return Encoding.UTF8;
        }

        try
        {
            return Encoding.GetEncoding(charset.Trim());
        }
        catch (ArgumentException)
        {
            return Encoding.UTF8;
        }
    }

    private static bool IsHex(char c) => char.IsAsciiHexDigit(c);
}
