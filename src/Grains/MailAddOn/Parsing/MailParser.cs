using System.Buffers;
using System.Text;
using System.Text.RegularExpressions;
using MimeKit;

namespace CrmActors.Grains.MailAddOn.Parsing;

/// <summary>
/// Parses a stored raw message with MimeKit. Given a seekable stream (a blob file) the parser is
/// persistent: part contents stay in the file and are decoded as they are read, so a 10 MB attachment
/// is measured without being held in memory.
/// </summary>
public static partial class MailParser
{
    private const int SnippetLength = 200;
    private const int SnippetWindow = 4 * 1024;

    /// <summary>A stored message up to this size is read whole and summarized from memory; a larger one from its file.</summary>
    private const int WholeInMemory = 1024 * 1024;

    // A mailbox can hold a message with no header to parse (an empty one): kept as it is, shown as a message with nothing in it.
    private static readonly ParsedMail Empty = new(null, [], [], [], string.Empty, null, null, null, []);

    public static async Task<ParsedMail> ParseAsync(Stream raw, CancellationToken cancellationToken)
    {
        MimeMessage message;
        try
        {
            message = await MimeMessage.LoadAsync(ParserOptions.Default, raw, persistent: raw.CanSeek, cancellationToken);
        }
        catch (FormatException)
        {
            return Empty;
        }

        using (message)
        {
            return await ToParsedAsync(message, cancellationToken);
        }
    }

    public static async Task<ParsedMail> ParseFileAsync(string path, CancellationToken cancellationToken)
    {
        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024, FileOptions.Asynchronous);
        return await ParseAsync(file, cancellationToken);
    }

    public static MailSummary Summarize(string id, ParsedMail mail) => Summary(id, mail.From, mail.To, mail.Cc, mail.Subject, mail.Date, Snippet(mail.TextBody, mail.HtmlBody));

    /// <summary>
    /// What a backup writes to a message's row — its Message-ID, summary and the addresses it links on — from a
    /// stored blob, without what only <c>GET …/emails/{id}</c> shows: attachments are not decoded, headers not listed.
    /// </summary>
    public static (string? MessageId, MailSummary Summary, IReadOnlySet<string> LinkAddresses) SummarizeFile(string id, string path, CancellationToken cancellationToken)
    {
        // Synchronous on purpose: the backup's writer runs this on a task of its own over a file just written (in the
        // page cache), where every asynchronous read would cost a thread-pool hop and return at once anyway.
        using var file = File.OpenHandle(path);
        var length = RandomAccess.GetLength(file);
        if (length > WholeInMemory)
        {
            using var stream = new FileStream(file, FileAccess.Read, 64 * 1024);
            return Summarize(id, stream, cancellationToken);
        }

        // Most messages: one read into a pooled buffer, parsed there (the persistent parse keeps no copy of its own).
        var buffer = ArrayPool<byte>.Shared.Rent((int)length);
        try
        {
            var read = 0;
            for (int n; read < length && (n = RandomAccess.Read(file, buffer.AsSpan(read, (int)length - read), read)) > 0;)
            {
                read += n;
            }

            using var memory = new MemoryStream(buffer, 0, read, writable: false);
            return Summarize(id, memory, cancellationToken);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static (string? MessageId, MailSummary Summary, IReadOnlySet<string> LinkAddresses) Summarize(string id, Stream raw, CancellationToken cancellationToken)
    {
        MimeMessage loaded;
        try
        {
            loaded = MimeMessage.Load(ParserOptions.Default, raw, persistent: true, cancellationToken);
        }
        catch (FormatException)
        {
            return (null, Summarize(id, Empty), new HashSet<string>());
        }

        using var message = loaded;
        var (from, to, cc) = (Parties(message.From), Parties(message.To), Parties(message.Cc));
        var summary = Summary(id, from, to, cc, message.Subject ?? string.Empty, DateOf(message), BodySnippet(message, cancellationToken));
        return (message.MessageId, summary, Linking.MailAddresses.Of(from.Concat(to).Concat(cc).Select(p => p.Address)));
    }

    private static MailSummary Summary(
        string id, IReadOnlyList<MailParty> from, IReadOnlyList<MailParty> to, IReadOnlyList<MailParty> cc, string subject, DateTimeOffset? date, string snippet) => new(
        id,
        string.Join(", ", from),
        [.. to.Select(p => p.ToString())],
        [.. cc.Select(p => p.ToString())],
        subject,
        date,
        snippet);

    /// <summary>
    /// The snippet of the first text/plain body part, else of the first text/html one (what TextBody and HtmlBody
    /// give for the usual structures). Decoding a whole long body into a string costs more than parsing the
    /// message, so a long body's first 4 KB are decoded and the whole only when they hold too little text.
    /// </summary>
    private static string BodySnippet(MimeMessage message, CancellationToken cancellationToken)
    {
        var parts = message.BodyParts.OfType<TextPart>().Where(p => !p.IsAttachment).ToList();
        if ((parts.FirstOrDefault(p => p.IsPlain) ?? parts.FirstOrDefault(p => p.IsHtml)) is not { Content: not null } part)
        {
            return string.Empty;
        }

        var html = !part.IsPlain;
        var start = new byte[SnippetWindow + 1];
        int read;
        using (var decoded = part.Content.Open())
        {
            cancellationToken.ThrowIfCancellationRequested();
            read = decoded.ReadAtLeast(start, start.Length, throwOnEndOfStream: false);
        }

        if (read > SnippetWindow)
        {
            // Not flushed: a character cut at the end of the window is left out, not mangled.
            var decoder = (part.ContentType.CharsetEncoding ?? Encoding.UTF8).GetDecoder();
            var chars = new char[SnippetWindow + 1];
            var text = new string(chars, 0, decoder.GetChars(start, 0, read, chars, 0, flush: false));
            if (WindowSnippet(text, html) is { } early)
            {
                return early;
            }
        }

        return SnippetOf(part.Text, html);
    }

    private static DateTimeOffset? DateOf(MimeMessage message) => message.Headers.Contains(HeaderId.Date) ? message.Date : null;

    private static async Task<ParsedMail> ToParsedAsync(MimeMessage message, CancellationToken cancellationToken)
    {
        var attachments = new List<MailAttachment>();
        foreach (var entity in message.Attachments)
        {
            attachments.Add(await AttachmentAsync(entity, cancellationToken));
        }

        return new ParsedMail(
            message.MessageId,
            Parties(message.From),
            Parties(message.To),
            Parties(message.Cc),
            message.Subject ?? string.Empty,
            DateOf(message),
            message.TextBody,
            message.HtmlBody,
            attachments)
        {
            Headers = [.. message.Headers.Select(h => new MailHeader(h.Field, h.Value))],
        };
    }

    private static List<MailParty> Parties(InternetAddressList list) =>
        [.. list.Mailboxes.Select(m => new MailParty(string.IsNullOrWhiteSpace(m.Name) ? null : m.Name, m.Address))];

    private static async Task<MailAttachment> AttachmentAsync(MimeEntity entity, CancellationToken cancellationToken)
    {
        var counter = new CountingStream();
        string? name;
        if (entity is MimePart part)
        {
            name = part.FileName;
            if (part.Content is not null)
            {
                await part.Content.DecodeToAsync(counter, cancellationToken);
            }
        }
        else
        {
            name = entity.ContentDisposition?.FileName ?? entity.ContentType.Name;
            if (entity is MessagePart { Message: { } attached })
            {
                name ??= (attached.Subject is { Length: > 0 } s ? s : "message") + ".eml";
                await attached.WriteToAsync(counter, cancellationToken);
            }
        }

        return new MailAttachment(name ?? "attachment", entity.ContentType.MimeType, counter.Length);
    }

    private static string Snippet(string? textBody, string? htmlBody)
    {
        var (body, html) = textBody is not null ? (textBody, false) : (htmlBody ?? string.Empty, true);
        return body.Length > SnippetWindow && WindowSnippet(body, html) is { } early ? early : SnippetOf(body, html);
    }

    /// <summary>
    /// The snippet from the start of a long body, or null when that start cannot settle it. The window ends just
    /// after a '&gt;' in HTML (so no tag is cut and every tag before it ends before it) or after white space in
    /// text (no entity holds any), so what it yields, when longer than a snippet, starts exactly as the whole
    /// body's would.
    /// </summary>
    private static string? WindowSnippet(string start, bool html)
    {
        var window = Math.Min(start.Length, SnippetWindow);
        var end = window == 0 ? -1 : html ? start.LastIndexOf('>', window - 1) : start.AsSpan(0, window).LastIndexOfAny(" \t\r\n");
        return end >= 0 && SnippetOf(start[..(end + 1)], html) is { Length: > SnippetLength } early ? early : null;
    }

    private static string SnippetOf(string body, bool html)
    {
        var text = html ? Tags().Replace(body, " ") : body;
        text = Whitespace().Replace(System.Net.WebUtility.HtmlDecode(text), " ").Trim();
        return text.Length <= SnippetLength ? text : text[..SnippetLength] + "…";
    }

    [GeneratedRegex("<[^>]*>")]
    private static partial Regex Tags();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    /// <summary>Counts decoded bytes and drops them.</summary>
    private sealed class CountingStream : Stream
    {
        private long _length;

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => _length;

        public override long Position { get => _length; set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count) => _length += count;

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            _length += buffer.Length;
            return ValueTask.CompletedTask;
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            _length += count;
            return Task.CompletedTask;
        }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
