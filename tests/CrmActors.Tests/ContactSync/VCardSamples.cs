namespace CrmActors.Tests.ContactSync;

/// <summary>
/// Cards as real clients export them (CRLF, folded at 75 octets): Google Contacts (3.0), iCloud (3.0
/// with Apple's itemN groups and an inline photo), Nextcloud/sabre (4.0, a Japanese name and a folded
/// long note), an Android 2.1 card in Shift_JIS quoted-printable and an Outlook 3.0 card in ISO-8859-1.
/// </summary>
public static class VCardSamples
{
    public static string Google { get; } = Crlf("""
        BEGIN:VCARD
        VERSION:3.0
        FN:Jane Q. Doe
        N:Doe;Jane;Q.;;
        NICKNAME:JD
        EMAIL;TYPE=INTERNET;TYPE=HOME:jane@home.example.org
        EMAIL;TYPE=INTERNET;TYPE=WORK:jane.doe@example.com
        TEL;TYPE=CELL:+1 650-555-0100
        TEL;TYPE=WORK:+1 650-555-0199
        ADR;TYPE=WORK:;;1600 Amphitheatre Pkwy;Mountain View;CA;94043;United States
        ORG:Example\, Inc.;Engineering
        TITLE:Staff Engineer
        BDAY:1985-04-12
        item1.URL:https\://www.example.com/jane
        item1.X-ABLabel:PROFILE
        NOTE:Met at the SaaS Expo in Berlin. Interested in the enterprise plan\, wa
         nts a demo for the sales team\; follow up after the budget review in Q3.\n
         Prefers e-mail over phone.
        CATEGORIES:myContacts,Clients
        PHOTO:https://lh3.googleusercontent.com/contacts/ALV-UjX2b9Q
        END:VCARD
        """);

    public static string ICloud { get; } = Crlf("""
        BEGIN:VCARD
        VERSION:3.0
        PRODID:-//Apple Inc.//iPhone OS 17.2.1//EN
        N:Appleseed;John;;;
        FN:John Appleseed
        ORG:Apple Inc.;
        TITLE:Product Manager
        item1.EMAIL;type=INTERNET;type=pref:john.appleseed@icloud.example
        item2.EMAIL;type=INTERNET;type=WORK:j.appleseed@apple.example
        TEL;type=CELL;type=VOICE;type=pref:+1 (408) 555-5270
        item3.TEL:+1 408 555 0000
        item3.X-ABLabel:_$!<Assistant>!$_
        item4.ADR;type=HOME;type=pref:;;1 Infinite Loop;Cupertino;CA;95014;United S
         tates
        item4.X-ABADR:us
        item5.X-ABRELATEDNAMES;type=pref:Jane Appleseed
        item5.X-ABLabel:_$!<Spouse>!$_
        X-SOCIALPROFILE;type=twitter;x-user=jappleseed:http://twitter.com/japplesee
         d
        PHOTO;ENCODING=b;TYPE=JPEG:/9j/4AAQSkZJRgABAQAAAQABAAAAAQIDBAUGBwgJCgsMDQ4P
         EBESExQVFhcYGRobHB0eHyAhIiMkJSYnKCkqKywtLi8wMTIzNDU2Nzg5Ojs8PT4/QEFCQ0RFRk
         dISUpLTE1OT1BRUlNUVVZXWFlaW1xdXl9gYWJjZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXp7fH1+
         f4CBgoOEhYaHiImKi4yNjo+QkZKTlJWWl5iZmpucnZ6foKGio6SlpqeoqaqrrK2ur7CxsrO0tb
         a3uLm6u7y9vr/AwcLDxMXGx//Z
        UID:B3E9F4A1-2C5D-4E6F-8A7B-9C0D1E2F3A4B
        REV:2024-01-15T10:22:31Z
        END:VCARD
        """);

    public static string Nextcloud { get; } = Crlf("""
        BEGIN:VCARD
        VERSION:4.0
        PRODID:-//Sabre//Sabre VObject 4.5.4//EN
        UID:6f3a0b4e-5c1d-4a8e-9a3b-2d9e4f6a7b8c
        FN:山田 太郎
        N:山田;太郎;;;
        X-PHONETIC-LAST-NAME:ヤマダ
        X-PHONETIC-FIRST-NAME:タロウ
        EMAIL;TYPE=work;PREF=1:taro.yamada@example.co.jp
        EMAIL;TYPE=home:taro@example.jp
        TEL;TYPE="cell,voice";VALUE=uri:tel:+81-90-1234-5678
        ADR;TYPE=work;LABEL="丸の内1-1-1\n千代田区, 東京都":;;丸の内1-
         1-1;千代田区;東京都;100-0005;日本
        ORG:株式会社サンプル;営業部
        NOTE:2024年1月の展示会で名刺交換。CRM導入の検討中、来
         期予算で決裁予定。担当者は営業部の鈴木さん\, 技術
         窓口は佐藤さん。\n次回は2月に訪問予定。
        CATEGORIES:取引先,VIP
        X-NEXTCLOUD-CUSTOM;X-SOURCE=crm:keep me
        REV:20240115T102231Z
        END:VCARD
        """);

    public static string AndroidShiftJis { get; } = Crlf("""
        BEGIN:VCARD
        VERSION:2.1
        N;CHARSET=SHIFT_JIS;ENCODING=QUOTED-PRINTABLE:=8D=B2=93=A1;=89=D4=8Eq;;;
        FN;CHARSET=SHIFT_JIS;ENCODING=QUOTED-PRINTABLE:=8D=B2=93=A1=20=89=D4=8Eq
        TEL;CELL:090-1234-5678
        TEL;WORK;VOICE:06-1234-5678
        EMAIL;INTERNET;WORK:hanako.sato@example.jp
        ADR;HOME;CHARSET=SHIFT_JIS;ENCODING=QUOTED-PRINTABLE:;;=94~=93c1-2-3;=91=
        =E5=8D=E3=8Es=96k=8B=E6;=91=E5=8D=E3=95{;530-0001;=93=FA=96{
        NOTE;CHARSET=SHIFT_JIS;ENCODING=QUOTED-PRINTABLE:=91=E5=8D=E3=8Ex=93X=82=
        =CC=89c=8B=C6=92S=93=96=81B=96=88=8FT=90=85=97j=93=FA=82=CD=8D=DD=91=EE=8B=
        =CE=96=B1=82=CC=82=BD=82=DF=8Cg=91=D1=93d=98b=82=C9=98A=97=8D=82=B5=82=C4=
        =82=AD=82=BE=82=B3=82=A2=81B
        END:VCARD
        """);

    public static string OutlookLatin1 { get; } = Crlf("""
        BEGIN:VCARD
        VERSION:3.0
        N;CHARSET=ISO-8859-1;ENCODING=QUOTED-PRINTABLE:M=FCller;J=FCrgen;;;
        FN;CHARSET=ISO-8859-1;ENCODING=QUOTED-PRINTABLE:J=FCrgen M=FCller
        ORG;CHARSET=ISO-8859-1;ENCODING=QUOTED-PRINTABLE:B=E4ckerei M=FCller GmbH
        EMAIL;TYPE=PREF,INTERNET:juergen@baeckerei-mueller.example
        TEL;TYPE=WORK,VOICE:+49 30 1234567
        X-MS-OL-DEFAULT-POSTAL-ADDRESS:2
        UID:040000008200E00074C5B7101A82E008
        END:VCARD
        """);

    public static IEnumerable<object[]> All() =>
    [
        [nameof(Google)], [nameof(ICloud)], [nameof(Nextcloud)], [nameof(AndroidShiftJis)], [nameof(OutlookLatin1)],
    ];

    public static string Named(string name) => name switch
    {
        nameof(Google) => Google,
        nameof(ICloud) => ICloud,
        nameof(Nextcloud) => Nextcloud,
        nameof(AndroidShiftJis) => AndroidShiftJis,
        nameof(OutlookLatin1) => OutlookLatin1,
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    private static string Crlf(string text) => text.ReplaceLineEndings("\r\n") + "\r\n";
}
