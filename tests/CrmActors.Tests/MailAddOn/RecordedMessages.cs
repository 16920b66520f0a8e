namespace CrmActors.Tests.MailAddOn;

/// <summary>
/// Hand-written samples shaped like what common mail programs send (not captured traffic): a Japanese
/// carrier's ISO-2022-JP, Shift_JIS from a Windows client, Latin-1 quoted-printable with a windows-1251
/// subject and an empty group, an HTML-only newsletter, and a multipart message with RFC 2231 / 2047 names.
/// </summary>
public static class RecordedMessages
{
    public const string Iso2022Jp =
        @"Return-Path: <yamada@docomo.ne.jp>
Received: from mail.example.jp (mail.example.jp [203.0.113.5])
 by mx.example.com with ESMTP id 4a1b2c3d; Tue, 10 Jan 2023 09:15:02 +0900
Date: Tue, 10 Jan 2023 09:15:00 +0900
From: =?ISO-2022-JP?B?GyRCOzNFREJATzobKEI=?= <Yamada@Docomo.NE.jp>
To: =?ISO-2022-JP?B?GyRCMUQ2SEl0GyhC?= <sales@example.com>
Cc: suzuki@example.co.jp
Subject: =?ISO-2022-JP?B?GyRCQkckQTlnJG8kOyRON28bKEI=?=
Message-ID: <20230110091500.ABCD@docomo.ne.jp>
MIME-Version: 1.0
Content-Type: text/plain; charset=ISO-2022-JP
Content-Transfer-Encoding: 7bit

" + "\u001b" +
        @"$B$$$D$b$*@$OC$K$J$C$F$*$j$^$9!#" + "\u001b" +
        @"(B
" + "\u001b" +
        @"$BL@F|$NBG$A9g$o$;$N7o$G$9!#" + "\u001b" +
        @"(B
";

    public const string ShiftJis =
        @"Date: Wed, 11 Jan 2023 18:02:11 +0900
From: ""=?Shift_JIS?B?jbKToQ==?="" <sato@example.co.jp>
To: sales@example.com
Subject: =?Shift_JIS?B?jOSMqZDPj5GRl5V0gsyCqIrogqI=?=
Message-ID: <sjis-0001@example.co.jp>
MIME-Version: 1.0
Content-Type: text/plain; charset=""Shift_JIS""
Content-Transfer-Encoding: base64

jKmQz4+RgvCRl5V0grWCxIKtgr6Cs4KigUKC5oLrgrWCrYKoiuiCooK1gtyCt4FC
";

    public const string Latin1QuotedPrintable =
        @"Date: Thu, 12 Jan 2023 11:00:00 +0100
From: =?iso-8859-1?q?Ren=E9_Dupr=E9?= <rene@example.fr>
To: ""Sales"" <SALES@EXAMPLE.COM>, Undisclosed: ;
Subject: =?windows-1251?B?0fe48iDt4CDu7+vg8vM=?=
Message-ID: <latin-1@example.fr>
MIME-Version: 1.0
Content-Type: text/plain; charset=ISO-8859-1
Content-Transfer-Encoding: quoted-printable

Bonjour, voici la cr=E8me br=FBl=E9e du caf=E9 =
(suite sur la m=EAme ligne).
";

    public const string HtmlOnly =
        @"Date: Fri, 13 Jan 2023 08:30:00 -0500
From: Newsletter <news@vendor.example>
To: sales@example.com
Subject: =?UTF-8?Q?Price_update_=E2=82=AC?=
Message-ID: <html-only@vendor.example>
MIME-Version: 1.0
Content-Type: text/html; charset=utf-8
Content-Transfer-Encoding: quoted-printable

<html><body><p>New&nbsp;price: <b>10 =E2=82=AC</b></p><p>Thanks</p></body></html>
";

    public const string Attachments =
        @"Date: Mon, 16 Jan 2023 14:00:00 +0900
From: Suzuki <suzuki@example.co.jp>
To: sales@example.com
Subject: =?UTF-8?B?6LOH5paZ6YCB5LuY?=
Message-ID: <attachments@example.co.jp>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary=""==B1==""

--==B1==
Content-Type: multipart/alternative; boundary=""==B2==""

--==B2==
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: base64

6LOH5paZ44KS5re75LuY44GX44G+44GZ44CC
--==B2==
Content-Type: text/html; charset=utf-8
Content-Transfer-Encoding: base64

PGRpdj7os4fmlpnjgpLmt7vku5jjgZfjgb7jgZnjgII8L2Rpdj4=
--==B2==--

--==B1==
Content-Type: application/pdf
Content-Disposition: attachment; filename*=UTF-8''%E8%A6%8B%E7%A9%8D%E6%9B%B8.pdf
Content-Transfer-Encoding: base64

JVBERi0xLjQKeHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eA==
--==B1==
Content-Type: application/vnd.ms-excel; name=""=?ISO-2022-JP?B?GyRCOFw1UjBsTXcbKEIueGxz?=""
Content-Disposition: attachment; filename=""=?ISO-2022-JP?B?GyRCOFw1UjBsTXcbKEIueGxz?=""
Content-Transfer-Encoding: base64

0M8R4NDPEeDQzxHg0M8R4NDPEeDQzxHg0M8R4NDPEeDQzxHg0M8R4NDPEeDQzxHg0M8R4NDPEeDQzxHg0M8R4NDPEeDQzxHg0M8R4NDPEeDQzxHg0M8R4NDPEeDQzxHg0M8R4NDPEeDQzxHg0M8R4NDPEeDQzxHg0M8R4NDPEeDQzxHg0M8R4NDPEeDQzxHg0M8R4NDPEeDQzxHg0M8R4NDPEeDQzxHg0M8R4NDPEeDQzxHg0M8R4NDPEeDQzxHg0M8R4NDPEeDQzxHg0M8R4NDPEeDQzxHg0M8R4NDPEeDQzxHg0M8R4NDPEeDQzxHg0M8R4NDPEeDQzxHg0M8R4A==
--==B1==
Content-Type: text/csv
Content-Disposition: attachment;
 filename*0*=UTF-8''%E5%A3%B2%E4%B8%8A;
 filename*1*=%E5%A0%B1%E5%91%8A.csv
Content-Transfer-Encoding: quoted-printable

id,amount=0D
1,100=0D
--==B1==--
";
}
