using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace RazorIpInfo.Tests.Lookup.Rdap;

/// <summary>
/// An RDAP server on a free loopback port, for IANA's bootstrap files or a registry: each path answers as the
/// test scripts it (JSON, a redirect, a 429, a huge or a dripping body), anything else 404 as a registry does.
/// Every request's path is counted, so a test can say how many calls reached it.
/// </summary>
public sealed class RdapEmulator : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly ConcurrentDictionary<string, RequestDelegate> routes = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> paths = new();

    private RdapEmulator()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        app = builder.Build();
        app.Run(context =>
        {
            var path = context.Request.Path.Value ?? "";
            paths.Enqueue(path);
            return routes.TryGetValue(path, out var answer)
                ? answer(context)
                : Json(StatusCodes.Status404NotFound, """{"errorCode":404,"title":"Not Found"}""")(context);
        });
    }

    /// <summary>The server's root, such as http://127.0.0.1:43121/.</summary>
    public Uri Url { get; private set; } = null!;

    public static async Task<RdapEmulator> StartAsync()
    {
        var emulator = new RdapEmulator();
        await emulator.app.StartAsync();
        var address = emulator.app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        emulator.Url = new Uri(address.TrimEnd('/') + "/");
        return emulator;
    }

    public int RequestsTo(string path) => paths.Count(p => p == path);

    public int Requests => paths.Count;

    public void On(string path, RequestDelegate answer) => routes[path] = answer;

    public void OnJson(string path, string json) => On(path, Json(StatusCodes.Status200OK, json));

    public static RequestDelegate Json(int status, string json) => async context =>
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/rdap+json";
        await context.Response.WriteAsync(json, context.RequestAborted);
    };

    public static RequestDelegate Redirect(Uri to) => context =>
    {
        context.Response.StatusCode = StatusCodes.Status301MovedPermanently;
        context.Response.Headers.Location = to.AbsoluteUri;
        return Task.CompletedTask;
    };

    public static RequestDelegate Throttle(int retryAfterSeconds) => context =>
    {
        context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        context.Response.Headers.RetryAfter = retryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return Task.CompletedTask;
    };

    /// <summary>A valid start, then <paramref name="bytes"/> of padding: an answer larger than any cap.</summary>
    public static RequestDelegate Huge(int bytes) => async context =>
    {
        context.Response.ContentType = "application/rdap+json";
        await context.Response.WriteAsync("""{"objectClassName":"ip network","name":" """, context.RequestAborted);
        var chunk = Encoding.ASCII.GetBytes(new string('A', 8192));
        for (var sent = 0; sent < bytes && !context.RequestAborted.IsCancellationRequested; sent += chunk.Length)
        {
            await context.Response.Body.WriteAsync(chunk, context.RequestAborted);
        }
    };

    /// <summary>Headers and the first bytes at once, then nothing until the caller gives up.</summary>
    public static RequestDelegate Stall() => async context =>
    {
        context.Response.ContentType = "application/rdap+json";
        await context.Response.WriteAsync("""{"objectClassName":""", context.RequestAborted);
        await context.Response.Body.FlushAsync(context.RequestAborted);
        await Task.Delay(Timeout.Infinite, context.RequestAborted).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    };

    public async ValueTask DisposeAsync() => await app.DisposeAsync();
}
