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

    public static async Task<ParsedMail> ParseAsync(Stream raw, CancellationToken cancellationToken)
    {
        using var message = await MimeMessage.LoadAsync(ParserOptions.Default, raw, persistent: raw.CanSeek, cancellationToken);
        return await ToParsedAsync(message, cancellationToken);
    }

    public static async Task<ParsedMail> ParseFileAsync(string path, CancellationToken cancellationToken)
    {
        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024, FileOptions.Asynchronous);
        return await ParseAsync(file, cancellationToken);
    }

    public static MailSummary Summarize(string id, ParsedMail mail) => new(
        id,
        string.Join(", ", mail.From),
        [.. mail.To.Select(p => p.ToString())],
        [.. mail.Cc.Select(p => p.ToString())],
        mail.Subject,
        mail.Date,
        Snippet(mail));

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
            message.Headers.Contains(HeaderId.Date) ? message.Date : null,
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

    private static string Snippet(ParsedMail mail)
    {
        var text = mail.TextBody ?? (mail.HtmlBody is { } html ? Tags().Replace(html, " ") : string.Empty);
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
