using System.Collections.Concurrent;
using System.IO.Compression;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace RazorIpInfo.Tests.Infrastructure;

/// <summary>
/// The upstream emulator at the transport level: a raw loopback listener (free port) that answers each
/// /json/{address} path with a scripted <see cref="Behaviour"/> — byte by byte if need be, resetting the
/// connection, dripping, hanging, compressing. What WireMock cannot misbehave at, this can. Every request
/// line that arrives is counted, so a test can say how many calls reached the upstream.
/// </summary>
public sealed class HostileUpstream : IAsyncDisposable
{
    /// <summary>What the upstream does with one connection after reading the request head.</summary>
    public delegate Task Behaviour(Socket socket, Stream stream, CancellationToken stopping);

    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly ConcurrentDictionary<string, Behaviour> behaviours = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> paths = new();
    private readonly CancellationTokenSource stopping = new();
    private readonly Task accepting;

    public HostileUpstream()
    {
        listener.Start();
        accepting = AcceptAsync();
    }

    public string Url => $"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}";

    /// <summary>Scripts the answer for lookups of <paramref name="address"/> (null: the caller's own).</summary>
    public void On(string? address, Behaviour behaviour) => behaviours[IpApiEmulator.PathFor(address)] = behaviour;

    /// <summary>Scripts the answer for any path (a redirect target, say).</summary>
    public void OnPath(string path, Behaviour behaviour) => behaviours[path] = behaviour;

    public int RequestsFor(string? address) => RequestsTo(IpApiEmulator.PathFor(address));

    public int RequestsTo(string path) => paths.Count(p => p == path);

    public int Requests => paths.Count;

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync();
        listener.Stop();
        await accepting.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        stopping.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!stopping.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await listener.AcceptSocketAsync(stopping.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _ = Task.Run(() => ServeAsync(socket));
        }
    }

    private async Task ServeAsync(Socket socket)
    {
        using (socket)
        {
            await using var stream = new NetworkStream(socket, ownsSocket: false);
            try
            {
                var path = await ReadRequestPathAsync(stream, stopping.Token);
                if (path is null)
                {
                    return;
                }

                paths.Enqueue(path);
                var behaviour = behaviours.TryGetValue(path, out var scripted) ? scripted : Answers.Status(404);
                await behaviour(socket, stream, stopping.Token);
                socket.Shutdown(SocketShutdown.Both);
            }
            catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
            {
                // The client gave up (its timeout) or the test ended: exactly what these scripts provoke.
            }
        }
    }

    /// <summary>Reads up to the blank line after the headers and returns the request's path without its query.</summary>
    private static async Task<string?> ReadRequestPathAsync(Stream stream, CancellationToken cancellationToken)
    {
        var head = new List<byte>();
        var one = new byte[1];
        while (head.Count < 32 * 1024)
        {
            if (await stream.ReadAsync(one, cancellationToken) == 0)
            {
                return null;
            }

            head.Add(one[0]);
            if (head.Count >= 4 && head[^4] == '\r' && head[^3] == '\n' && head[^2] == '\r' && head[^1] == '\n')
            {
                var requestLine = Encoding.ASCII.GetString([.. head]).Split("\r\n")[0].Split(' ');
                var target = requestLine.Length > 1 ? requestLine[1] : "/";
                var query = target.IndexOf('?', StringComparison.Ordinal);
                return Uri.UnescapeDataString(query < 0 ? target : target[..query]);
            }
        }

        return null;
    }

    /// <summary>Scripts, from the well-behaved to the hostile.</summary>
    public static class Answers
    {
        public static Behaviour Status(int status, string body = "", params (string Name, string Value)[] headers) =>
            Bytes(Head(status, Encoding.UTF8.GetByteCount(body), headers), Encoding.UTF8.GetBytes(body));

        /// <summary>A JSON answer; <paramref name="contentType"/> lets the charset lie.</summary>
        public static Behaviour Json(object body, string contentType = "application/json; charset=utf-8", params (string Name, string Value)[] headers) =>
            JsonText(JsonSerializer.Serialize(body), contentType, headers);

        public static Behaviour JsonText(string json, string contentType = "application/json; charset=utf-8", params (string Name, string Value)[] headers)
        {
            var body = Encoding.UTF8.GetBytes(json);
            return Bytes(Head(200, body.Length, [("Content-Type", contentType), .. headers]), body);
        }

        /// <summary>Exactly these bytes, then a clean close.</summary>
        public static Behaviour Bytes(params byte[][] parts) => async (_, stream, stopping) =>
        {
            foreach (var part in parts)
            {
                await stream.WriteAsync(part, stopping);
            }

            await stream.FlushAsync(stopping);
        };

        /// <summary>Accepts the request and says nothing until the client gives up.</summary>
        public static Behaviour Silence => (_, _, stopping) => Task.Delay(Timeout.Infinite, stopping);

        /// <summary>Sends <paramref name="prefix"/>, then holds the connection open, saying nothing more.</summary>
        public static Behaviour ThenSilence(byte[] prefix) => async (_, stream, stopping) =>
        {
            await stream.WriteAsync(prefix, stopping);
            await stream.FlushAsync(stopping);
            await Task.Delay(Timeout.Infinite, stopping);
        };

        /// <summary>Sends <paramref name="prefix"/>, then resets the connection (RST, not FIN).</summary>
        public static Behaviour ThenReset(byte[] prefix) => async (socket, stream, stopping) =>
        {
            await stream.WriteAsync(prefix, stopping);
            await stream.FlushAsync(stopping);
            socket.LingerState = new LingerOption(true, 0);
            socket.Close();
        };

        /// <summary>Sends <paramref name="prefix"/> then <paramref name="rest"/> one byte every <paramref name="interval"/>.</summary>
        public static Behaviour Drip(byte[] prefix, byte[] rest, TimeSpan interval) => async (_, stream, stopping) =>
        {
            await stream.WriteAsync(prefix, stopping);
            await stream.FlushAsync(stopping);
            foreach (var b in rest)
            {
                await Task.Delay(interval, stopping);
                await stream.WriteAsync(new[] { b }, stopping);
                await stream.FlushAsync(stopping);
            }
        };

        /// <summary>A body of <paramref name="size"/> bytes sent as fast as the client reads it, declared or chunked.</summary>
        public static Behaviour Huge(long size, bool declared) => async (_, stream, stopping) =>
        {
            var head = declared
                ? Head(200, size, [("Content-Type", "application/json")])
                : HeadWithout(200, [("Content-Type", "application/json"), ("Transfer-Encoding", "chunked")]);
            await stream.WriteAsync(head, stopping);
            var block = Encoding.ASCII.GetBytes(new string(' ', 64 * 1024));
            for (long sent = 0; sent < size; sent += block.Length)
            {
                if (!declared)
                {
                    await stream.WriteAsync(Encoding.ASCII.GetBytes($"{block.Length:x}\r\n"), stopping);
                }

                await stream.WriteAsync(block, stopping);
                if (!declared)
                {
                    await stream.WriteAsync("\r\n"u8.ToArray(), stopping);
                }
            }
        };

        /// <summary><paramref name="plain"/> compressed with <paramref name="encoding"/> (gzip, deflate, br), Content-Encoding set.</summary>
        public static Behaviour Compressed(string encoding, byte[] plain)
        {
            var body = Compress(encoding, plain);
            return Bytes(Head(200, body.Length, [("Content-Type", "application/json"), ("Content-Encoding", encoding)]), body);
        }

        public static byte[] Compress(string encoding, byte[] plain)
        {
            using var output = new MemoryStream();
            using (Stream compressor = encoding switch
            {
                "gzip" => new GZipStream(output, CompressionLevel.SmallestSize, leaveOpen: true),
                "deflate" => new ZLibStream(output, CompressionLevel.SmallestSize, leaveOpen: true),
                "br" => new BrotliStream(output, CompressionLevel.SmallestSize, leaveOpen: true),
                _ => throw new ArgumentOutOfRangeException(nameof(encoding)),
            })
            {
                compressor.Write(plain);
            }

            return output.ToArray();
        }

        public static byte[] Head(int status, long contentLength, params (string Name, string Value)[] headers) =>
            HeadWithout(status, [("Content-Length", contentLength.ToString(System.Globalization.CultureInfo.InvariantCulture)), .. headers]);

        public static byte[] HeadWithout(int status, params (string Name, string Value)[] headers)
        {
            var text = new StringBuilder($"HTTP/1.1 {status} Whatever\r\nConnection: close\r\n");
            foreach (var (name, value) in headers)
            {
                text.Append(name).Append(": ").Append(value).Append("\r\n");
            }

            return Encoding.ASCII.GetBytes(text.Append("\r\n").ToString());
        }
    }
}
