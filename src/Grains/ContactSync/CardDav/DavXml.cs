using System.Text;
using System.Xml;
using System.Xml.Linq;

namespace CrmActors.Grains.ContactSync.CardDav;

/// <summary>The WebDAV, CardDAV and CalendarServer namespaces and the request bodies the client sends.</summary>
public static class DavXml
{
    public static readonly XNamespace Dav = "DAV:";
    public static readonly XNamespace CardDav = "urn:ietf:params:xml:ns:carddav";
    public static readonly XNamespace CalendarServer = "http://calendarserver.org/ns/";

    private static readonly XmlReaderSettings ReaderSettings = new()
    {
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        IgnoreComments = true,
        IgnoreProcessingInstructions = true,
    };

    public static XDocument Propfind(params XName[] properties) =>
        Body(new XElement(Dav + "propfind", new XElement(Dav + "prop", properties.Select(p => new XElement(p)))));

    public static XDocument SyncCollection(string? syncToken, params XName[] properties) =>
        Body(new XElement(Dav + "sync-collection",
            new XElement(Dav + "sync-token", syncToken ?? ""),
            new XElement(Dav + "sync-level", "1"),
            new XElement(Dav + "prop", properties.Select(p => new XElement(p)))));

    public static XDocument Multiget(IEnumerable<Uri> hrefs) =>
        Body(new XElement(CardDav + "addressbook-multiget",
            new XElement(Dav + "prop", new XElement(Dav + "getetag"), new XElement(CardDav + "address-data")),
            hrefs.Select(h => new XElement(Dav + "href", h.AbsolutePath))));

    public static XDocument MkcolAddressBook(string displayName, string? description) =>
        Body(new XElement(Dav + "mkcol",
            new XElement(Dav + "set", new XElement(Dav + "prop",
                new XElement(Dav + "resourcetype", new XElement(Dav + "collection"), new XElement(CardDav + "addressbook")),
                new XElement(Dav + "displayname", displayName),
                description is null ? null : new XElement(CardDav + "addressbook-description", description)))));

    public static string Serialize(XDocument document)
    {
        using var writer = new Utf8StringWriter();
        document.Save(writer, SaveOptions.DisableFormatting);
        return writer.ToString();
    }

    /// <summary>Deeper than any WebDAV answer nests (a multistatus is about 8 deep).</summary>
    public const int MaxDepth = 64;

    /// <summary>
    /// Parses an answer with DTDs and external entities refused; null when the text is not well-formed XML. Elements
    /// nested deeper than <see cref="MaxDepth"/> throw <see cref="CardDavError.InvalidResponse"/> before a tree is built:
    /// reading a deep tree's text recurses once per level (tens of thousands of levels overflow the stack and end the
    /// process) and building it is quadratic.
    /// </summary>
    public static XDocument? TryParse(string text)
    {
        try
        {
            using (var scan = XmlReader.Create(new StringReader(text), ReaderSettings))
            {
                while (scan.Read())
                {
                    if (scan.Depth > MaxDepth)
                    {
                        throw new CardDavException(CardDavError.InvalidResponse, $"The server answered with XML nested more than {MaxDepth} elements deep; no WebDAV answer is.");
                    }
                }
            }

            using var reader = XmlReader.Create(new StringReader(text), ReaderSettings);
            return XDocument.Load(reader);
        }
        catch (XmlException)
        {
            return null;
        }
    }

    private static XDocument Body(XElement root)
    {
        root.SetAttributeValue(XNamespace.Xmlns + "D", Dav.NamespaceName);
        root.SetAttributeValue(XNamespace.Xmlns + "C", CardDav.NamespaceName);
        return new XDocument(new XDeclaration("1.0", "utf-8", null), root);
    }

    private sealed class Utf8StringWriter : StringWriter
    {
        public Utf8StringWriter() : base(System.Globalization.CultureInfo.InvariantCulture)
        {
        }

        public override Encoding Encoding => new UTF8Encoding(false);
    }
}
