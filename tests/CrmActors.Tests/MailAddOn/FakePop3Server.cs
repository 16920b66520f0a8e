using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using CrmActors.Grains.MailAddOn.Pop3;

namespace CrmActors.Tests.MailAddOn;

/// <summary>
/// A loopback TCP server that misbehaves on purpose (silent, hangs, speaks HTTP, echoes the password) or
/// speaks minimal RFC 1939 POP3 without UIDL — the cases a real Dovecot cannot be made to show.
/// </summary>
public sealed class FakePop3Server : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Func<NetworkStream, CancellationToken, Task> _session;
    private readonly Task _accepting;

    private FakePop3Server(Func<FakePop3Server, NetworkStream, CancellationToken, Task> session)
    {
        _session = (stream, token) => session(this, stream, token);
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Connections accepted so far.</summary>
    public int Connections => Volatile.Read(ref _connections);

    private int _connections;

    /// <summary>Command verbs received, in order (never their arguments).</summary>
    public ConcurrentQueue<string> Commands { get; } = new();

    public Pop3Mailbox Mailbox(Pop3Tls tls = Pop3Tls.None) => new("fake", "127.0.0.1", Port, tls, "user", "fake-secret");

    public static FakePop3Server Silent() => new((_, _, token) => Task.Delay(Timeout.Infinite, token));

    public static FakePop3Server GreetsThenHangs() => new(async (_, stream, token) =>
    {
        await WriteAsync(stream, "+OK ready\r\n", token);
        await Task.Delay(Timeout.Infinite, token);
    });

    public static FakePop3Server Nonsense() => new((_, stream, token) => WriteAsync(stream, "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n", token));

    public static FakePop3Server EchoesPassword() => new((server, stream, token) => server.ServeAsync(stream, [], token, echoPassword: true));

    public static FakePop3Server WithoutUidl(IReadOnlyList<string> messages) => new((server, stream, token) => server.ServeAsync(stream, messages, token, echoPassword: false));

    /// <summary>Lists one message but answers its RETR with <paramref name="error"/>, as a server with a locked or broken mailbox does.</summary>
    public static FakePop3Server FailingRetr(string error) => new((server, stream, token) => server.ServeAsync(stream, ["Subject: x\r\n\r\ny\r\n"], token, echoPassword: false, retrError: error));

    /// <summary>
    /// Serves <paramref name="messages"/> with UIDL answering <paramref name="uidls"/> (which may repeat one); RETR of a message whose
    /// number is in <see cref="Refusing"/> is answered -ERR, and of one in <see cref="Hanging"/> up by closing the connection.
    /// </summary>
    public static FakePop3Server WithUidls(IReadOnlyList<string> messages, IReadOnlyList<string> uidls) =>
        new((server, stream, token) => server.ServeAsync(stream, messages, token, echoPassword: false, uidls: uidls));

    /// <summary>Message numbers whose RETR is answered -ERR (a damaged message).</summary>
    public ConcurrentDictionary<int, bool> Refusing { get; } = new();

    /// <summary>Message numbers whose RETR closes the connection (a server restarting, a session time limit).</summary>
    public ConcurrentDictionary<int, bool> Hanging { get; } = new();

    public static int UnusedPort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    private async Task AcceptAsync()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                Interlocked.Increment(ref _connections);
                _ = Task.Run(async () =>
                {
                    using (client)
                    {
                        try
                        {
                            await _session(client.GetStream(), _stop.Token);
                        }
                        catch (Exception e) when (e is OperationCanceledException or IOException)
                        {
                        }
                    }
                });
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task ServeAsync(NetworkStream stream, IReadOnlyList<string> messages, CancellationToken token, bool echoPassword, string? retrError = null,
        IReadOnlyList<string>? uidls = null)
    {
        using var reader = new StreamReader(stream, Encoding.ASCII);
        await WriteAsync(stream, "+OK fake POP3 ready\r\n", token);
        while (await reader.ReadLineAsync(token) is { } line)
        {
            var parts = line.Split(' ', 2);
            var verb = parts[0].ToUpperInvariant();
            Commands.Enqueue(verb);
            var arg = parts.Length > 1 ? parts[1] : string.Empty;
            var reply = verb switch
            {
                "USER" => "+OK\r\n",
                "PASS" when echoPassword => $"-ERR wrong password {arg}\r\n",
                "PASS" => "+OK logged in\r\n",
                "STAT" => $"+OK {messages.Count} {messages.Sum(m => m.Length)}\r\n",
                "LIST" => "+OK\r\n" + string.Concat(messages.Select((m, i) => $"{i + 1} {m.Length}\r\n")) + ".\r\n",
                "UIDL" when uidls is not null && int.TryParse(arg, out var n) => $"+OK {n} {uidls[n - 1]}\r\n",
                "UIDL" when uidls is not null => "+OK\r\n" + string.Concat(uidls.Select((u, i) => $"{i + 1} {u}\r\n")) + ".\r\n",
                "RETR" when retrError is not null => $"{retrError}\r\n",
                "RETR" when int.TryParse(arg, out var n) && Hanging.ContainsKey(n) => null,
                "RETR" when int.TryParse(arg, out var n) && Refusing.ContainsKey(n) => "-ERR message is damaged\r\n",
                "RETR" when int.TryParse(arg, out var n) && n >= 1 && n <= messages.Count =>
                    $"+OK {messages[n - 1].Length} octets\r\n" + messages[n - 1].Replace("\r\n.", "\r\n..", StringComparison.Ordinal) + ".\r\n",
                "NOOP" => "+OK\r\n",
                "QUIT" => "+OK bye\r\n",
                _ => "-ERR unknown command\r\n",
            };
            if (reply is null)
            {
                return;
            }

            await WriteAsync(stream, reply, token);
            if (verb == "QUIT")
            {
                return;
            }
        }
    }

    private static Task WriteAsync(NetworkStream stream, string text, CancellationToken token) =>
        stream.WriteAsync(Encoding.ASCII.GetBytes(text), token).AsTask();

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        _stop.Dispose();
    }
}
