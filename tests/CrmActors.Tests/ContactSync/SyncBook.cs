using CrmActors.Grains.ContactSync.CardDav;
using CrmActors.Grains.ContactSync.VCards;

namespace CrmActors.Tests.ContactSync;

/// <summary>An empty Radicale address book of one test, with a client to change it the way another device would.</summary>
public sealed class SyncBook : IAsyncDisposable
{
    private SyncBook(CardDavClient client, Uri url) => (Client, Url) = (client, url);

    public CardDavClient Client { get; }

    public Uri Url { get; }

    public static async Task<SyncBook> CreateAsync()
    {
        var client = RadicaleServer.Client();
        return new SyncBook(client, await RadicaleServer.NewAddressBookAsync(client));
    }

    public object Remote(string? password = null, string? group = null, Uri? url = null) =>
        new { url = (url ?? Url).ToString(), username = RadicaleServer.User, password = password ?? RadicaleServer.Password, group };

    /// <summary>Adds a card as a phone would; returns its href.</summary>
    public async Task<Uri> AddAsync(string vcard)
    {
        var card = VCard.Parse(vcard);
        return (await Client.CreateCardAsync(Url, vcard, card.Uid ?? Guid.NewGuid().ToString())).Href;
    }

    public static string Card(string uid, string given, string family, string? email = null, string? phone = null, params string[] extra) =>
        string.Join("\r\n", new[]
        {
            "BEGIN:VCARD", "VERSION:3.0", $"UID:{uid}", $"FN:{given} {family}", $"N:{family};{given};;;",
        }.Concat(email is null ? [] : [$"EMAIL;TYPE=INTERNET,WORK:{email}"]).Concat(phone is null ? [] : [$"TEL;TYPE=WORK:{phone}"]).Concat(extra).Append("END:VCARD")) + "\r\n";

    /// <summary>Every card in the book, parsed.</summary>
    public async Task<IReadOnlyList<(CardResource Resource, VCard Card)>> CardsAsync()
    {
        var refs = await Client.ListCardsAsync(Url);
        var fetched = await Client.MultigetAsync(Url, refs.Select(r => r.Href));
        return [.. fetched.Cards.Select(c => (c, VCard.Parse(c.Data)))];
    }

    public async Task<(CardResource Resource, VCard Card)> CardWithEmailAsync(string email) =>
        Assert.Single(await CardsAsync(), c => string.Equals(c.Card.ToFields().WorkEmail, email, StringComparison.OrdinalIgnoreCase));

    public async Task EditAsync(string email, Func<VCard, VCard> change)
    {
        var (resource, card) = await CardWithEmailAsync(email);
        await Client.UpdateCardAsync(resource.Href, change(card).ToString(), resource.ETag);
    }

    public async ValueTask DisposeAsync()
    {
        await Client.DeleteCollectionAsync(Url);
        Client.Dispose();
    }
}
