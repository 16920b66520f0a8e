using System.Text;
using CrmActors.Grains.ContactSync.VCards;

namespace CrmActors.Tests.ContactSync;

public class VCardCodecTests
{
    [Theory]
    [MemberData(nameof(VCardSamples.All), MemberType = typeof(VCardSamples))]
    public void ARecordedCardIsWrittenBackByteForByte(string sample)
    {
        var text = VCardSamples.Named(sample);

        Assert.Equal(text, VCard.Parse(text).ToString());
    }

    [Theory]
    [MemberData(nameof(VCardSamples.All), MemberType = typeof(VCardSamples))]
    public void ParseWriteParseKeepsEveryPropertyAndValue(string sample)
    {
        var first = VCard.Parse(VCardSamples.Named(sample));
        // A built copy has no original lines, so this goes through composing and folding, not the verbatim path.
        var rebuilt = new VCard(first.Properties.Select(p => new VCardProperty(p.Name, p.RawValue, p.Parameters, p.Group)));
        var second = VCard.Parse(rebuilt.ToString());

        Assert.Equal(Describe(first), Describe(second));
        Assert.Equal(first.ToFields(), second.ToFields());
    }

    [Fact]
    public void AGoogleCardReadsIntoTheMappedFields()
    {
        var fields = VCard.Parse(VCardSamples.Google).ToFields();

        Assert.Equal(("Jane Q. Doe", "Doe", "Jane", "Q."), (fields.FormattedName, fields.FamilyName, fields.GivenName, fields.AdditionalNames));
        Assert.Equal([new TypedValue("jane@home.example.org", "home"), new TypedValue("jane.doe@example.com", "work")], fields.Emails);
        Assert.Equal("jane.doe@example.com", fields.WorkEmail);
        Assert.Equal([new TypedValue("+1 650-555-0100", "cell"), new TypedValue("+1 650-555-0199", "work")], fields.Phones);
        Assert.Equal(("Example, Inc.", "Engineering", "Staff Engineer", "1985-04-12"), (fields.Organization, fields.Department, fields.Title, fields.Birthday));
        Assert.Equal(new PostalAddress(new(["work"]), Street: "1600 Amphitheatre Pkwy", Locality: "Mountain View", Region: "CA", PostalCode: "94043", Country: "United States"),
            Assert.Single(fields.Addresses));
        Assert.Equal(["https://www.example.com/jane"], fields.Urls);
        Assert.Equal(["myContacts", "Clients"], fields.Categories);
        Assert.Equal("Met at the SaaS Expo in Berlin. Interested in the enterprise plan, wants a demo for the sales team; follow up after the budget review in Q3.\nPrefers e-mail over phone.",
            fields.Note);
    }

    [Fact]
    public void AnICloudCardKeepsAppleLabelsAndThePhoto()
    {
        var card = VCard.Parse(VCardSamples.ICloud);
        var fields = card.ToFields();

        Assert.Equal(new TypedValue("john.appleseed@icloud.example", new(Array.Empty<string>()), Preferred: true), fields.Emails[0]);
        Assert.Equal(new TypedValue("+1 408 555 0000", new(Array.Empty<string>()), Label: "Assistant"), fields.Phones[1]);
        Assert.Equal(new TypedValue("+1 (408) 555-5270", new(["cell"]), Preferred: true), fields.Phones[0]);
        Assert.Equal("United States", fields.Addresses[0].Country);
        var photo = card.Get("PHOTO")!.GetBinary()!;
        Assert.Equal([0xFF, 0xD8, 0xFF, 0xE0], photo[..4]);
        Assert.Equal([0xFF, 0xD9], photo[^2..]);
    }

    [Fact]
    public void ANextcloudVersion4CardWithAJapaneseNameAndAFoldedNoteReadsWhole()
    {
        var fields = VCard.Parse(VCardSamples.Nextcloud).ToFields();

        Assert.Equal(("山田 太郎", "山田", "太郎"), (fields.FormattedName, fields.FamilyName, fields.GivenName));
        Assert.Equal(("株式会社サンプル", "営業部"), (fields.Organization, fields.Department));
        Assert.Equal("2024年1月の展示会で名刺交換。CRM導入の検討中、来期予算で決裁予定。担当者は営業部の鈴木さん, 技術窓口は佐藤さん。\n次回は2月に訪問予定。", fields.Note);
        Assert.Equal(new TypedValue("taro.yamada@example.co.jp", new(["work"]), Preferred: true), fields.Emails[0]);
        Assert.Equal(new TypedValue("+81-90-1234-5678", "cell"), Assert.Single(fields.Phones));
        Assert.Equal(["取引先", "VIP"], fields.Categories);
        Assert.Equal("丸の内1-1-1", fields.Addresses[0].Street);
        Assert.Equal(@"丸の内1-1-1\n千代田区, 東京都", VCard.Parse(VCardSamples.Nextcloud).Get("ADR")!.GetFirstParameter("LABEL"));
    }

    [Fact]
    public void QuotedPrintableShiftJisAndLatin1AreDecodedThroughTheirCharset()
    {
        var android = VCard.Parse(VCardSamples.AndroidShiftJis).ToFields();
        var outlook = VCard.Parse(VCardSamples.OutlookLatin1).ToFields();

        Assert.Equal(("佐藤 花子", "佐藤", "花子"), (android.FormattedName, android.FamilyName, android.GivenName));
        Assert.Equal("大阪支店の営業担当。毎週水曜日は在宅勤務のため携帯電話に連絡してください。", android.Note);
        Assert.Equal(("梅田1-2-3", "大阪市北区", "大阪府", "日本"), (android.Addresses[0].Street, android.Addresses[0].Locality, android.Addresses[0].Region, android.Addresses[0].Country));
        Assert.Equal([new TypedValue("090-1234-5678", "cell"), new TypedValue("06-1234-5678", "work")], android.Phones);
        Assert.Equal("hanako.sato@example.jp", android.WorkEmail);
        Assert.Equal(("Jürgen Müller", "Müller", "Bäckerei Müller GmbH"), (outlook.FormattedName, outlook.FamilyName, outlook.Organization));
        Assert.True(outlook.Emails[0].Preferred);
    }

    [Fact(Timeout = 30_000)]
    public async Task AQuotedPrintableValueOfManySoftBreaksIsReadInTimeLinearInItsSize()
    {
        // 400,000 soft breaks (1.6 MB): re-reading the growing line after each one copied about 10^11 characters.
        const int Lines = 400_000;
        var text = "BEGIN:VCARD\r\nVERSION:2.1\r\nFN:Long note\r\nNOTE;ENCODING=QUOTED-PRINTABLE:" + string.Concat(Enumerable.Repeat("a=\r\n", Lines)) + "b\r\nEND:VCARD\r\n";

        var note = await Task.Run(() => VCard.Parse(text).ToFields().Note);

        Assert.Equal(new string('a', Lines) + "b", note);
    }

    [Fact]
    public void ParametersAreReadQuotedRepeatedAndAsCommaLists()
    {
        var card = VCard.Parse(Crlf("""
            BEGIN:VCARD
            VERSION:4.0
            TEL;TYPE=work,home;PREF=2:+1 555 0100
            TEL;TYPE=WORK;TYPE=HOME:+1 555 0101
            TEL;TYPE="cell,voice":+1 555 0102
            X-THING;X-NOTE="a:b;c,d";X-LIST=one,"two,three":value:with:colons
            item7.X-CUSTOM;X-CARET=say ^'hi^'^nbye:x
            END:VCARD
            """));
        var tels = card.GetAll("TEL").ToList();

        Assert.Equal(["work", "home"], tels[0].Types);
        Assert.True(tels[0].IsPreferred);
        Assert.Equal(["work", "home"], tels[1].Types);
        Assert.Equal(["cell", "voice"], tels[2].Types);
        var thing = card.Get("X-THING")!;
        Assert.Equal("a:b;c,d", thing.GetFirstParameter("X-NOTE"));
        Assert.Equal(["one", "two,three"], thing.GetParameter("X-LIST"));
        Assert.Equal("value:with:colons", thing.RawValue);
        var custom = card.Get("X-CUSTOM")!;
        Assert.Equal(("item7", "say \"hi\"\nbye"), (custom.Group, custom.GetFirstParameter("X-CARET")));
        Assert.Contains("X-CARET=say ^'hi^'^nbye:x", VCardWriter.ComposeLine(new VCardProperty(custom.Name, custom.RawValue, custom.Parameters), "4.0"));
    }

    [Fact]
    public void TextEscapesRoundTrip()
    {
        const string text = @"C:\temp; a, b" + "\nsecond line";
        var property = VCardProperty.FromText("NOTE", text);

        Assert.Equal(@"C:\\temp\; a\, b\nsecond line", property.RawValue);
        Assert.Equal(text, VCard.Parse(new VCard([new VCardProperty("VERSION", "3.0"), property]).ToString()).GetText("NOTE"));
        Assert.Equal(["a,b", "c;d", ""], VCardText.SplitComponents(@"a\,b;c\;d;"));
    }

    [Fact]
    public void FoldingKeepsEveryLineWithin75OctetsAndNeverSplitsACharacter()
    {
        var note = string.Concat(Enumerable.Repeat("日本語のメモ😀 é ", 40));
        var card = VCardContacts.Create(new ContactFields { Uid = "fold-test", FamilyName = "山田", GivenName = "太郎", Note = note }, "4.0");
        var bytes = Encoding.UTF8.GetBytes(card.ToString());

        var lines = Split(bytes);
        Assert.True(lines.Count > 10);
        Assert.All(lines, line => Assert.InRange(line.Length, 0, 75));
        // Each physical line on its own is valid UTF-8: no sequence was cut at a fold.
        var strict = new UTF8Encoding(false, throwOnInvalidBytes: true);
        Assert.All(lines, line => strict.GetString(line));
        Assert.Equal(note, VCard.Parse(card.ToString()).GetText("NOTE"));
    }

    [Fact]
    public void UpdatingMappedFieldsKeepsEveryOtherLineAsItWas()
    {
        var original = VCard.Parse(VCardSamples.ICloud);
        var fields = original.ToFields();
        var changed = original.WithFields(fields with
        {
            Title = "Director, Product",
            Emails = [fields.Emails[0], fields.Emails[1] with { Value = "john@apple.example" }],
            Phones = [fields.Phones[0]],
        });
        var written = changed.ToString();

        Assert.Contains("TITLE:Director\\, Product\r\n", written);
        Assert.Contains("item2.EMAIL;type=INTERNET;type=WORK:john@apple.example\r\n", written);
        // The dropped assistant phone takes its Apple label with it.
        Assert.DoesNotContain("item3.", written);
        foreach (var kept in new[] { "PRODID", "item4.ADR", "item4.X-ABADR", "item5.X-ABRELATEDNAMES", "item5.X-ABLabel", "X-SOCIALPROFILE", "PHOTO", "UID", "REV", "item1.EMAIL", "TEL;type=CELL" })
        {
            Assert.Contains(OriginalLines(VCardSamples.ICloud, kept), written);
        }

        Assert.Equal(fields with { Title = "Director, Product", Emails = [fields.Emails[0], fields.Emails[1] with { Value = "john@apple.example" }], Phones = [fields.Phones[0]] },
            VCard.Parse(written).ToFields());
    }

    [Fact]
    public void UnchangedFieldsLeaveTheCardIdentical()
    {
        foreach (var (name, sample) in VCardSamples.All().Select(a => ((string)a[0], VCardSamples.Named((string)a[0]))))
        {
            var card = VCard.Parse(sample);
            Assert.True(sample == card.WithFields(card.ToFields()).ToString(), $"{name} changed although no field did");
        }
    }

    [Fact]
    public void NewValuesAreWrittenInTheCardsVersion()
    {
        var fields = new ContactFields
        {
            Uid = "urn:uuid:1b9a7e0c-4a57-4d3c-9f6e-2f0f7f3f2a11",
            FamilyName = "Tanaka",
            GivenName = "Yuki",
            Emails = [new TypedValue("yuki@example.jp", new(["work"]), Preferred: true)],
            Phones = [new TypedValue("+81 3 1234 5678", "work")],
            Organization = "Acme; Japan",
        };

        var v3 = VCardContacts.Create(fields).ToString();
        var v4 = VCardContacts.Create(fields, "4.0").ToString();

        Assert.StartsWith("BEGIN:VCARD\r\nVERSION:3.0\r\n", v3);
        Assert.Contains("EMAIL;TYPE=INTERNET,WORK,PREF:yuki@example.jp\r\n", v3);
        Assert.Contains("EMAIL;TYPE=work;PREF=1:yuki@example.jp\r\n", v4);
        Assert.Contains("FN:Yuki Tanaka\r\n", v3);
        Assert.Contains("N:Tanaka;Yuki;;;\r\n", v3);
        Assert.Contains("ORG:Acme\\; Japan\r\n", v4);
        Assert.Contains("UID:urn:uuid:1b9a7e0c-4a57-4d3c-9f6e-2f0f7f3f2a11\r\n", v4);
        Assert.Equal(fields with { FormattedName = "Yuki Tanaka" }, VCard.Parse(v4).ToFields());
    }

    [Fact]
    public void TheUidIsNeverRewritten()
    {
        var card = VCard.Parse(VCardSamples.ICloud);

        var changed = card.WithFields(card.ToFields() with { Uid = "another", Title = "CEO" });

        Assert.Equal("B3E9F4A1-2C5D-4E6F-8A7B-9C0D1E2F3A4B", changed.Uid);
        Assert.Throws<InvalidOperationException>(() => card.WithText("UID", "another"));
    }

    [Fact]
    public void CustomFieldsMapToAnyProperty()
    {
        var card = VCard.Parse(VCardSamples.Google).WithText("X-CRM-LEAD-SOURCE", "Trade show, Berlin");

        var again = VCard.Parse(card.ToString());

        Assert.Equal("Trade show, Berlin", again.GetText("X-CRM-LEAD-SOURCE"));
        Assert.Null(again.WithText("X-CRM-LEAD-SOURCE", null).GetText("X-CRM-LEAD-SOURCE"));
    }

    [Theory]
    [InlineData("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Cut off")]
    [InlineData("VERSION:3.0\r\nFN:No begin\r\nEND:VCARD\r\n")]
    [InlineData("BEGIN:VCARD\r\nVERSION:3.0\r\nthis line has no colon\r\nEND:VCARD\r\n")]
    [InlineData("<html><body>Not a card</body></html>")]
    public void TextThatIsNotAWholeCardIsAFormatError(string text)
    {
        Assert.Throws<VCardFormatException>(() => VCard.Parse(text));
    }

    [Fact]
    public void SeveralCardsInOneFileAreAllRead()
    {
        var cards = VCard.ParseAll(VCardSamples.Google + VCardSamples.ICloud + VCardSamples.Nextcloud);

        Assert.Equal(["Jane Q. Doe", "John Appleseed", "山田 太郎"], cards.Select(c => c.GetText("FN")));
        Assert.Equal(VCardSamples.Google + VCardSamples.ICloud + VCardSamples.Nextcloud, VCardWriter.WriteAll(cards));
    }

    [Fact]
    public void AppleAndVersion4GroupCardsListAndTakeMembers()
    {
        var apple = VCard.Parse(Crlf("""
            BEGIN:VCARD
            VERSION:3.0
            PRODID:-//Apple Inc.//Mac OS X 14.2//EN
            N:Clients
            FN:Clients
            X-ADDRESSBOOKSERVER-KIND:group
            X-ADDRESSBOOKSERVER-MEMBER:urn:uuid:B3E9F4A1-2C5D-4E6F-8A7B-9C0D1E2F3A4B
            UID:7C1E0F2A-93B4-4D5E-8F60-1A2B3C4D5E6F
            END:VCARD
            """));
        var v4 = VCardContacts.Create(new ContactFields { Uid = "g1", FormattedName = "VIP" }, "4.0").Append(new VCardProperty("KIND", "group"));

        var joined = apple.WithMember("0c8e4c56-7d0a-4d7e-b0d7-53c1b6f0e2a9");

        Assert.True(apple.IsGroup() && v4.IsGroup() && !VCard.Parse(VCardSamples.ICloud).IsGroup());
        Assert.Equal(["B3E9F4A1-2C5D-4E6F-8A7B-9C0D1E2F3A4B", "0c8e4c56-7d0a-4d7e-b0d7-53c1b6f0e2a9"], joined.Members());
        Assert.Contains("X-ADDRESSBOOKSERVER-MEMBER:urn:uuid:0c8e4c56-7d0a-4d7e-b0d7-53c1b6f0e2a9\r\n", joined.ToString());
        Assert.StartsWith(apple.ToString()[..^"END:VCARD\r\n".Length], joined.ToString());
        Assert.Same(joined, joined.WithMember("urn:uuid:0c8e4c56-7d0a-4d7e-b0d7-53c1b6f0e2a9"));
        Assert.Equal(["B3E9F4A1-2C5D-4E6F-8A7B-9C0D1E2F3A4B"], joined.WithoutMember("0c8e4c56-7d0a-4d7e-b0d7-53c1b6f0e2a9").Members());
        Assert.Contains("MEMBER:urn:uuid:abc\r\n", v4.WithMember("abc").ToString());
    }

    private static List<string> Describe(VCard card) =>
        [.. card.Properties.Select(p => $"{p.Group}|{p.Name}|{string.Join(";", p.Parameters)}|{p.RawValue}")];

    private static string OriginalLines(string sample, string startsWith)
    {
        var lines = sample.Split("\r\n");
        var at = Array.FindIndex(lines, l => l.StartsWith(startsWith, StringComparison.Ordinal));
        Assert.True(at >= 0, startsWith);
        var end = at + 1;
        while (end < lines.Length && lines[end].StartsWith(' '))
        {
            end++;
        }

        return string.Join("\r\n", lines[at..end]) + "\r\n";
    }

    private static List<byte[]> Split(byte[] bytes)
    {
        var lines = new List<byte[]>();
        var start = 0;
        for (var i = 0; i + 1 < bytes.Length; i++)
        {
            if (bytes[i] == '\r' && bytes[i + 1] == '\n')
            {
                lines.Add(bytes[start..i]);
                start = i + 2;
            }
        }

        return lines;
    }

    private static string Crlf(string text) => text.ReplaceLineEndings("\r\n") + "\r\n";
}
