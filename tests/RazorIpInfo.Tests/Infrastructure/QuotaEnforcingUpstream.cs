using System.Globalization;
using System.Text.Json;
using WireMock;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Types;
using WireMock.Util;

namespace RazorIpInfo.Tests.Infrastructure;

/// <summary>
/// Makes the emulator enforce a request budget the way ip-api.com does: every answer carries
/// <c>X-Rl</c> (requests left) and <c>X-Ttl</c> (seconds to the window's end); past the budget it answers 429.
/// A request that arrives after it has said <c>X-Rl: 0</c> in a window is a violation: the real service
/// bans callers that do that.
/// </summary>
public sealed class QuotaEnforcingUpstream
{
    private readonly Lock gate = new();
    private readonly int limit;
    private readonly TimeSpan window;
    private DateTimeOffset windowEnd = DateTimeOffset.MinValue;
    private int used;
    private bool saidZero;

    public QuotaEnforcingUpstream(IpApiEmulator emulator, int limit, TimeSpan window)
    {
        this.limit = limit;
        this.window = window;
        emulator.Server
            .Given(Request.Create().WithPath(new WireMock.Matchers.RegexMatcher("^/json/.+$")).UsingGet())
            .AtPriority(1)
            .RespondWith(Response.Create().WithCallback(Answer));
    }

    public int Answered { get; private set; }

    public int Violations { get; private set; }

    private ResponseMessage Answer(IRequestMessage request)
    {
        int left;
        double ttl;
        lock (gate)
        {
            var now = DateTimeOffset.UtcNow;
            if (now >= windowEnd)
            {
                windowEnd = now + window;
                used = 0;
                saidZero = false;
            }

            if (saidZero)
            {
                Violations++;
            }

            used++;
            Answered++;
            left = Math.Max(0, limit - used);
            saidZero |= left == 0;
            ttl = Math.Ceiling((windowEnd - now).TotalSeconds);
        }

        var headers = new Dictionary<string, WireMockList<string>>
        {
            ["Content-Type"] = new("application/json"),
            ["X-Rl"] = new(left.ToString(CultureInfo.InvariantCulture)),
            ["X-Ttl"] = new(ttl.ToString(CultureInfo.InvariantCulture)),
        };
        if (used > limit)
        {
            return new ResponseMessage { StatusCode = 429, Headers = headers };
        }

        var address = request.Path["/json/".Length..];
        var body = JsonSerializer.Serialize(new { status = "success", query = address, country = "Testland", countryCode = "TL", city = "Quota City" });
        return new ResponseMessage
        {
            StatusCode = 200,
            Headers = headers,
            BodyData = new BodyData { BodyAsString = body, DetectedBodyType = BodyType.String },
        };
    }
}
