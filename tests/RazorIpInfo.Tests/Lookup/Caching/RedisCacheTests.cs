using System.Security.Cryptography;
using System.Text;
using System.Net;
using Microsoft.Extensions.Logging;
using RazorIpInfo.Tests.Infrastructure;

namespace RazorIpInfo.Tests.Lookup.Caching;

/// <summary>The lookup cache shared through a real Redis server, including Redis going away and coming back.</summary>
public sealed class RedisCacheTests : IDisposable
{
    private readonly IpApiEmulator upstream = IpApiEmulator.Start();
    /// <summary>A database of its own on the run's shared server; the outage test below starts a server of its own.</summary>
    private readonly RedisServer redis = RedisServer.Shared();

    public void Dispose()
    {
        redis.Dispose();
        upstream.Dispose();
    }

    [Fact]
    public async Task SecondInstanceAnswersFromRedisWithoutAskingTheProvider()
    {
        await using var first = new RazorIpInfoFactory(upstream) { Redis = redis.ConnectionString };
        await using var second = new RazorIpInfoFactory(upstream) { Redis = redis.ConnectionString };

        var fromFirst = await first.CreateClient().GetDocumentAsync("/?ip=8.8.8.8");
        var fromSecond = await second.CreateClient().GetDocumentAsync("/?ip=8.8.8.8");
        var ownFromFirst = await first.CreateClientFor("10.1.2.3").GetDocumentAsync("/");
        var ownFromSecond = await second.CreateClientFor("192.168.1.20").GetDocumentAsync("/");

        Assert.Equal("Ashburn", fromFirst.Facts()["City"]);
        Assert.Equal("Ashburn", fromSecond.Facts()["City"]);
        Assert.Equal(1, upstream.RequestsFor("8.8.8.8"));
        Assert.Equal(IpApiEmulator.ServerAddress, ownFromSecond.CardAddress());
        Assert.Equal(ownFromFirst.CardAddress(), ownFromSecond.CardAddress());
        Assert.Equal(1, upstream.RequestsFor(null));
    }

    [Fact]
    public async Task TwoHundredSimultaneousFirstLookupsShareTheProviderCall()
    {
        await using var app = new RazorIpInfoFactory(upstream) { Redis = redis.ConnectionString };
        var client = app.CreateClient();
        await client.GetAsync("/api/ip-info/2001:4860:4860::8888");

        var responses = await Task.WhenAll(Enumerable.Range(0, 200).Select(_ => client.GetAsync("/api/ip-info/8.8.8.8")));

        Assert.All(responses, response => Assert.Equal(HttpStatusCode.OK, response.StatusCode));
        // One shared call, and perhaps one more from a request that missed the memory cache just before the shared
        // call finished (LookupCacheTests says why); without the sharing, up to 200.
        Assert.InRange(upstream.RequestsFor("8.8.8.8"), 1, 2);
    }

    [Fact]
    public async Task RedisKeyNamesAreKeyedHashesOfTheAddressNotTheAddress()
    {
        await using var app = new RazorIpInfoFactory(upstream) { Redis = redis.ConnectionString };
        var client = app.CreateClient();

        await client.GetAsync("/api/ip-info/8.8.8.8");
        await client.GetAsync("/api/ip-info/2001:4860:4860::8888");
        await client.GetAsync("/api/ip-info/::ffff:8.8.8.8");

        // HMAC-SHA256 under the configured secret: without the secret, a key name cannot be turned back into an
        // address, not even by hashing all 2^32 IPv4 addresses. The mapped IPv6 form is the same entry as 8.8.8.8.
        Assert.Equal(
            new[] { Expected("8.8.8.8"), Expected("2001:4860:4860::8888") }.Order(),
            redis.Keys().Order());

        static string Expected(string address) =>
            "ipinfo:v1:ip-api.com:en:" + Convert.ToHexStringLower(HMACSHA256.HashData(
                Encoding.UTF8.GetBytes(RazorIpInfoFactory.SharedKeySecret), Encoding.UTF8.GetBytes(address)));
    }

    [Fact]
    public async Task SiteKeepsAnsweringWhileRedisIsDownAndUsesItAgainWhenItReturns()
    {
        using var ownRedis = RedisServer.Start();
        await using var app = new RazorIpInfoFactory(upstream) { Redis = ownRedis.ConnectionString };
        var addresses = Enumerable.Range(1, 40).Select(i => $"203.0.{i}.7").ToList();
        foreach (var address in addresses)
        {
            upstream.Answer(address, new { status = "success", query = address, country = "United States", countryCode = "US" });
        }

        var client = app.CreateClient();
        await client.GetAsync("/api/ip-info/8.8.8.8");
        Assert.Single(ownRedis.Keys());

        ownRedis.Kill();
        foreach (var url in new[] { "/api/ip-info/8.8.8.8", "/?ip=8.8.8.8", "/api/ip-info/2001:4860:4860::8888", "/?ip=2001:4860:4860::8888" })
        {
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(url)).StatusCode);
        }

        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/api/ip-info/{addresses[i]}")).StatusCode);
        }

        // One line for the outage, not one per request; and no Redis error reaches the cache's own log.
        Assert.Single(app.Logs.GetSnapshot(), log => log.Level >= LogLevel.Warning && !Redis.RedisOutageTests.IsHostNoise(log.Category));

        ownRedis.Restart();
        // Reconnecting is the Redis client's own business, on its own clock: wait (bounded) for the site's
        // connection to say it is back, instead of looking up and sleeping until something lands.
        await app.UntilRedisIsUpAsync();
        foreach (var address in addresses.Skip(10).Take(3))
        {
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/api/ip-info/{address}")).StatusCode);
        }

        // The cache writes to Redis after it answers: wait (bounded) for the write, not for time to pass.
        var written = false;
        for (var deadline = DateTime.UtcNow.AddSeconds(10); !written && DateTime.UtcNow < deadline; written = ownRedis.Keys().Count > 0)
        {
            await Task.Delay(50); // a poll for the write, not a wait for time to pass
        }

        Assert.True(written, "Nothing was written to Redis after it came back.");
    }
}
