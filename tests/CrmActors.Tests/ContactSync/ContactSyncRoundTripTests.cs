using CrmActors.Grains.ContactSync.VCards;
using CrmActors.Tests.Support;

namespace CrmActors.Tests.ContactSync;

/// <summary>vCard 3.0 and 4.0 cards keep everything the sync does not map when a CRM edit is written back into them.</summary>
public abstract class ContactSyncRoundTripTests(CrmApplication app) : SyncBookTests
{
    private const string Folded = """
        BEGIN:VCARD
        VERSION:3.0
        UID:roundtrip-folded-1
        FN:Zoë Ångström-Müller
        N:Ångström-Müller;Zoë;;;
        EMAIL;TYPE=INTERNET,WORK:zoe@example.test
        TEL;TYPE=WORK:+46 8 123 456
        ORG:Ångström\, Müller & Söner AB;Forskning
        NOTE:Långa anteckningar\, med kommatecken\; semikolon och en radbrytning\n
         som fortsätter på nästa rad efter vikning vid sjuttiofem oktetter här.
        X-CRM-SEGMENT;X-SOURCE=fair:Nordics\, premium
        X-ANNIVERSARY:2010-06-19
        END:VCARD
        """;

    [RadicaleFact]
    public async Task ACrmEditWrittenBackKeepsFoldedEscapedNonAsciiAndExtensionPropertiesOf30And40Cards()
    {
        var org = await app.CreateOrgAsync();
        foreach (var sample in new[] { VCardSamples.ICloud, VCardSamples.Nextcloud, Folded.ReplaceLineEndings("\r\n") + "\r\n" })
        {
            await Book.AddAsync(sample);
        }

        var before = (await Book.CardsAsync()).ToDictionary(c => c.Card.Uid!, c => c.Card);
        var pair = await org.CreatePairAsync(new
        {
            module = "Contacts", direction = "two_way", conflictPolicy = "crm_wins", frequencyMinutes = 60, remote = Book.Remote(),
            defaults = new Dictionary<string, string> { ["Last_Name"] = "-" },
        });
        Assert.Equal(3, pair.Count("crmCreated"));
        var taro = await org.RecordWithEmailAsync("Contacts", "taro.yamada@example.co.jp");
        Assert.Equal(("太郎", "山田"), (taro.Text("First_Name"), taro.Text("Last_Name")));
        Assert.Equal(("Zoë", "Ångström-Müller"), ((await org.RecordWithEmailAsync("Contacts", "zoe@example.test")).Text("First_Name"), (await org.RecordWithEmailAsync("Contacts", "zoe@example.test")).Text("Last_Name")));

        var phones = new Dictionary<string, string>();
        foreach (var record in await org.RecordsAsync("Contacts"))
        {
            var phone = $"+1 555 01{phones.Count:00}";
            phones[record.Text("Email")!] = phone;
            await org.Admin.PatchAsync(org.Url($"modules/Contacts/records/{record.GetProperty("id").GetString()}"), OrgSession.Fields(new { Phone = phone }));
        }

        var run = await org.RunPairAsync(pair.Id());
        Assert.Equal(3, run.Count("remoteUpdated"));

        var after = await Book.CardsAsync();
        Assert.Equal(3, after.Count);
        foreach (var (_, card) in after)
        {
            var original = before[card.Uid!];
            var fields = card.ToFields();
            Assert.Equal(phones[fields.WorkEmail!.ToLowerInvariant()], fields.Phones[0].Value);
            Assert.Equal(original.ToFields() with { Phones = [] }, fields with { Phones = [] });
            Assert.Equal(original.ToFields().Phones.Skip(1), fields.Phones.Skip(1));
            Assert.Equal(original.Version, card.Version);
            foreach (var kept in original.Properties.Where(p => p.Name.StartsWith("X-", StringComparison.OrdinalIgnoreCase) || p.Is("PHOTO") || p.Is("NOTE")))
            {
                Assert.Contains(card.Properties, p => p.Is(kept.Name) && string.Equals(p.Group, kept.Group, StringComparison.OrdinalIgnoreCase) && p.GetText() == kept.GetText()
                    && kept.Parameters.All(k => p.GetParameter(k.Name).SequenceEqual(k.Values, StringComparer.OrdinalIgnoreCase)));
            }
        }

        var etags = after.Select(c => c.Resource.ETag).Order().ToList();
        var quiet = await org.RunPairAsync(pair.Id());
        Assert.Equal(0, quiet.Count("remoteUpdated") + quiet.Count("crmUpdated"));
        Assert.Equal(etags, (await Book.CardsAsync()).Select(c => c.Resource.ETag).Order().ToList());
    }
}

public sealed class SqliteContactSyncRoundTripTests(SqliteSyncApplication app) : ContactSyncRoundTripTests(app), IClassFixture<SqliteSyncApplication>;

public sealed class PostgresContactSyncRoundTripTests(PostgresSyncApplication app) : ContactSyncRoundTripTests(app), IClassFixture<PostgresSyncApplication>;
