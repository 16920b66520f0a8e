using System.Security.Cryptography;
using System.Text;

namespace CrmActors.Grains.ContactSync.CardDav;

public sealed partial class CardDavClient
{
    private const string VCardContentType = "text/vcard; charset=utf-8";

    /// <summary>
    /// Fetches cards by href with addressbook-multiget (RFC 6352 §8.7), in batches of <see cref="CardDavClientOptions.MultigetBatchSize"/>;
    /// GET one by one if the server lacks the report. A card is missing only when the server says so (404 or 410): one the
    /// report leaves out or answers without its data or ETag (a per-card error, another spelling of the href) is read by GET,
    /// whose failure fails the fetch. The sync deletes the record of a missing card, so a card it cannot read must not count.
    /// A batch whose answer is over <see cref="CardDavClientOptions.MaxResponseBytes"/> (cards with large photos) is fetched in
    /// halves; a card over it alone is left out, in <see cref="MultigetResult.TooLarge"/>.
    /// </summary>
    public async Task<MultigetResult> MultigetAsync(Uri addressBook, IEnumerable<Uri> hrefs, CancellationToken cancellationToken = default)
    {
        var book = DavHref.Normalize(addressBook);
        var result = new MultigetResult([], [], []);
        foreach (var batch in hrefs.Select(DavHref.Normalize).Distinct().Chunk(Math.Max(1, options.MultigetBatchSize)))
        {
            await FetchBatchAsync(book, batch, result, cancellationToken);
        }

        return result;
    }

    private async Task FetchBatchAsync(Uri book, Uri[] batch, MultigetResult result, CancellationToken cancellationToken)
    {
        DavReply reply;
        try
        {
            reply = await transport.SendAsync(new HttpMethod("REPORT"), book, DavXml.Serialize(DavXml.Multiget(batch)), null, Depth("1"), cancellationToken);
        }
        catch (CardDavException e) when (e.Error == CardDavError.ResponseTooLarge && batch.Length > 1)
        {
            await FetchBatchAsync(book, batch[..(batch.Length / 2)], result, cancellationToken);
            await FetchBatchAsync(book, batch[(batch.Length / 2)..], result, cancellationToken);
            return;
        }
        catch (CardDavException e) when (e.Error == CardDavError.ResponseTooLarge)
        {
            result.TooLarge.Add(batch[0]);
            return;
        }

        var found = new HashSet<Uri>();
        var gone = new HashSet<Uri>();
        if (reply.Status is not (501 or 405))
        {
            foreach (var response in CardDavTransport.ExpectMultistatus(reply, "fetch cards (addressbook-multiget)").Responses)
            {
                var data = response.Property(DavXml.CardDav + "address-data")?.Value;
                var etag = response.Text(DavXml.Dav + "getetag");
                if (response.Status is 404 or 410)
                {
                    gone.Add(response.Href);
                }
                else if (data is not null && etag is { Length: > 0 } && found.Add(response.Href))
                {
                    result.Cards.Add(new CardResource(response.Href, etag, data));
                }
            }
        }

        // Without the report (501, 405) every card, and with it every card it did not give, is read by GET.
        foreach (var href in batch.Where(h => !found.Contains(h)))
        {
            try
            {
                if ((gone.Contains(href) ? null : await GetCardAsync(href, cancellationToken)) is { } card)
                {
                    result.Cards.Add(card);
                }
                else
                {
                    result.Missing.Add(href);
                }
            }
            catch (CardDavException e) when (e.Error == CardDavError.ResponseTooLarge)
            {
                result.TooLarge.Add(href);
            }
        }
    }

    /// <summary>One card by GET; null when it is gone.</summary>
    public async Task<CardResource?> GetCardAsync(Uri href, CancellationToken cancellationToken = default)
    {
        href = DavHref.Normalize(href);
        var reply = await transport.SendAsync(HttpMethod.Get, href, null, null, null, cancellationToken);
        if (reply.Status is 404 or 410)
        {
            return null;
        }

        if (!reply.IsSuccess)
        {
            throw CardDavTransport.Failure(reply, "read the card");
        }

        return new CardResource(href, reply.ETag ?? await GetETagAsync(href, cancellationToken), reply.Body);
    }

    /// <summary>
    /// Creates a card with If-None-Match: * so an existing one is never overwritten (412 →
    /// <see cref="CardDavPreconditionFailedException"/>). The resource name defaults to one derived from the
    /// UID, so a create repeated after a crash meets the first one (412) instead of adding a duplicate.
    /// </summary>
    public async Task<CardRef> CreateCardAsync(Uri addressBook, string vcard, string uid, string? resourceName = null, CancellationToken cancellationToken = default)
    {
        var href = DavHref.Child(addressBook, resourceName ?? ResourceNameFor(uid));
        var reply = await transport.SendAsync(HttpMethod.Put, href, vcard, VCardContentType, new Dictionary<string, string> { ["If-None-Match"] = "*" }, cancellationToken);
        return await WrittenAsync(reply, href, "create the card", cancellationToken);
    }

    /// <summary>Replaces a card only if it still has <paramref name="etag"/> (If-Match); 412 → <see cref="CardDavPreconditionFailedException"/>.</summary>
    public async Task<CardRef> UpdateCardAsync(Uri href, string vcard, string etag, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(etag);
        href = DavHref.Normalize(href);
        var reply = await transport.SendAsync(HttpMethod.Put, href, vcard, VCardContentType, new Dictionary<string, string> { ["If-Match"] = etag }, cancellationToken);
        return await WrittenAsync(reply, href, "update the card", cancellationToken);
    }

    /// <summary>Deletes a card if it still has <paramref name="etag"/> (null: whatever it has). False when it was already gone.</summary>
    public async Task<bool> DeleteCardAsync(Uri href, string? etag, CancellationToken cancellationToken = default)
    {
        href = DavHref.Normalize(href);
        var headers = etag is null ? null : new Dictionary<string, string> { ["If-Match"] = etag };
        var reply = await transport.SendAsync(HttpMethod.Delete, href, null, null, headers, cancellationToken);
        return reply.Status switch
        {
            >= 200 and < 300 => true,
            404 or 410 => false,
            _ => throw CardDavTransport.Failure(reply, "delete the card"),
        };
    }

    /// <summary>A resource name for a UID: the UID itself when it is plain (urn:uuid: dropped), else a hash of it.</summary>
    public static string ResourceNameFor(string uid)
    {
        var name = uid.StartsWith("urn:uuid:", StringComparison.OrdinalIgnoreCase) ? uid[9..] : uid;
        return name.Length is > 0 and <= 100 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')
            ? name + ".vcf"
            : Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(uid)))[..32] + ".vcf";
    }

    private async Task<CardRef> WrittenAsync(DavReply reply, Uri href, string action, CancellationToken cancellationToken)
    {
        if (!reply.IsSuccess)
        {
            throw CardDavTransport.Failure(reply, action);
        }

        var written = reply.Location ?? href;
        // A server that changed the card while storing it may send no ETag (RFC 6352 §6.3.2.3): ask for it.
        return new CardRef(written, reply.ETag ?? await GetETagAsync(written, cancellationToken));
    }

    private async Task<string> GetETagAsync(Uri href, CancellationToken cancellationToken)
    {
        var reply = await transport.SendAsync(new HttpMethod("PROPFIND"), href, DavXml.Serialize(DavXml.Propfind(DavXml.Dav + "getetag")), null, Depth("0"), cancellationToken);
        return CardDavTransport.ExpectMultistatus(reply, "read the card's ETag").Responses.FirstOrDefault()?.Text(DavXml.Dav + "getetag") is { Length: > 0 } etag
            ? etag
            : throw new CardDavException(CardDavError.InvalidResponse, $"The server at {CardDavException.Describe(href)} gives no ETag for the card.");
    }
}
