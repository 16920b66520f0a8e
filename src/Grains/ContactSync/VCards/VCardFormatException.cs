namespace CrmActors.Grains.ContactSync.VCards;

/// <summary>Text that is not a readable vCard: no BEGIN/END, a line without ':', bad base64. The message names the line, never the card's content.</summary>
public sealed class VCardFormatException : FormatException
{
    public VCardFormatException(string message) : base(message)
    {
    }

    public VCardFormatException(string message, Exception inner) : base(message, inner)
    {
    }
}
