using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using RazorIpInfo.Tests.Infrastructure;

namespace RazorIpInfo.Tests.Lookup.Rdap;

/// <summary>Registration data through the real site: JSON, text, the page and its fragment, the card and the AS page.</summary>
public sealed class RdapSiteTests(RdapSite site) : IClassFixture<RdapSite>
{
    private readonly HttpClient client = site.Client;

    [Fact]
    public async Task The_json_gives_registry_network_range_registrant_abuse_contact_and_record_link()
    {
        var json = await client.GetFromJsonAsync<JsonElement>($"/api/ip-info/{RdapRegistries.ArinAddress}/registration");

        Assert.Equal("GOGL", json.GetProperty("name").GetString());
        Assert.Equal("NET-8-8-8-0-2", json.GetProperty("handle").GetString());
        Assert.Equal("8.8.8.0 – 8.8.8.255", json.GetProperty("range").GetString());
        Assert.Equal("8.8.8.0/24", json.GetProperty("cidrs")[0].GetString());
        Assert.Equal("Google LLC", json.GetProperty("organisation").GetString());
        Assert.Equal("network-abuse@google.com", json.GetProperty("abuseEmail").GetString());
        Assert.Equal("+1-650-253-0000", json.GetProperty("abusePhone").GetString());
        Assert.Equal(new Uri(site.Arin.Url, "registry/ip/8.8.8.0").AbsoluteUri, json.GetProperty("recordUrl").GetString());
        Assert.Equal(site.Arin.Url.Authority, json.GetProperty("registry").GetString());
    }

    [Fact]
    public async Task An_as_number_is_answered_by_the_registry_the_as_bootstrap_names()
    {
        var json = await client.GetFromJsonAsync<JsonElement>("/api/as/AS15169/registration");

        Assert.Equal("GOOGLE", json.GetProperty("name").GetString());
        Assert.Equal("AS15169", json.GetProperty("range").GetString());
        Assert.Equal("network-abuse@google.com", json.GetProperty("abuseEmail").GetString());
    }

    [Fact]
    public async Task An_ipv6_address_is_answered_through_the_ipv6_bootstrap()
    {
        var json = await client.GetFromJsonAsync<JsonElement>("/api/ip-info/2001:4860:4860::8888/registration");

        Assert.Equal("Google LLC", json.GetProperty("organisation").GetString());
    }

    [Fact]
    public async Task The_text_endpoint_gives_the_abuse_email_as_one_line()
    {
        var response = await client.GetAsync($"/abuse?ip={RdapRegistries.ArinAddress}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("network-abuse@google.com\n", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_second_ask_is_answered_from_the_cache_without_a_registry_call()
    {
        var path = $"/registry/ip/{RdapRegistries.CachedAddress}";

        var first = await client.GetAsync($"/api/ip-info/{RdapRegistries.CachedAddress}/registration");
        var second = await client.GetAsync($"/abuse?ip={RdapRegistries.CachedAddress}");

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal("network-abuse@google.com\n", await second.Content.ReadAsStringAsync());
        Assert.Equal(1, site.Arin.RequestsTo(path));
    }

    [Fact]
    public async Task A_redirect_to_another_registry_the_bootstrap_names_is_followed()
    {
        var json = await client.GetFromJsonAsync<JsonElement>($"/api/ip-info/{RdapRegistries.RedirectedAddress}/registration");

        Assert.Equal("abuse@ripe.net", json.GetProperty("abuseEmail").GetString());
        Assert.Equal("+31205354444", json.GetProperty("abusePhone").GetString());
        Assert.Equal(site.Ripe.Url.Authority, json.GetProperty("registry").GetString());
        Assert.Equal(1, site.Ripe.RequestsTo($"/ip/{RdapRegistries.RedirectedAddress}"));
    }

    public static TheoryData<string, HttpStatusCode> HostileAnswers => new()
    {
        { RdapRegistries.HugeAddress, HttpStatusCode.BadGateway },
        { RdapRegistries.StallingAddress, HttpStatusCode.GatewayTimeout },
        { RdapRegistries.UnlistedRedirectAddress, HttpStatusCode.BadGateway },
        { RdapRegistries.PrivateRedirectAddress, HttpStatusCode.BadGateway },
        { RdapRegistries.LoopRedirectAddress, HttpStatusCode.BadGateway },
    };

    [Theory]
    [MemberData(nameof(HostileAnswers))]
    public async Task A_hostile_registry_answer_is_a_bounded_problem_not_a_crash(string address, HttpStatusCode expected)
    {
        var started = TimeProvider.System.GetTimestamp();

        var response = await client.GetAsync($"/api/ip-info/{address}/registration");
        var page = await client.GetAsync($"/registration?ip={address}");

        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var document = await Html.ParseAsync(page);
        Assert.NotNull(document.QuerySelector(".registration-body .note"));
        // Rdap:Timeout is 1 s: the stalled body is given up on, within the chain's bound, twice (the page's
        // failure is cached for a moment only, so the page may ask again).
        Assert.True(TimeProvider.System.GetElapsedTime(started) < TimeSpan.FromSeconds(15));
    }

    [Fact]
    public async Task A_redirect_to_a_host_the_bootstrap_does_not_name_is_never_followed()
    {
        await client.GetAsync($"/api/ip-info/{RdapRegistries.UnlistedRedirectAddress}/registration");

        Assert.Equal(0, site.Unlisted.Requests);
    }

    [Fact]
    public async Task A_registrys_429_is_obeyed_until_its_retry_after_while_other_registries_answer()
    {
        var throttled = await client.GetAsync($"/api/ip-info/{RdapRegistries.ThrottledAddress}/registration");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, throttled.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(120), throttled.Headers.RetryAfter?.Delta);

        // Another address at the same registry: not asked, the registry said wait.
        var held = await client.GetAsync("/api/ip-info/193.0.0.2/registration");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, held.StatusCode);
        Assert.Equal(0, site.Ripe.RequestsTo("/ip/193.0.0.2"));

        // Another registry has its own budget.
        var arin = await client.GetAsync($"/api/ip-info/{RdapRegistries.ArinAddress}/registration");
        Assert.Equal(HttpStatusCode.OK, arin.StatusCode);

        site.Clock.Advance(TimeSpan.FromSeconds(121));
        var after = await client.GetAsync("/api/ip-info/193.0.0.3/registration");
        Assert.Equal(HttpStatusCode.NotFound, after.StatusCode);
        Assert.Equal(1, site.Ripe.RequestsTo("/ip/193.0.0.3"));
    }

    public static TheoryData<string, HttpStatusCode> BadQuestions => new()
    {
        { "/api/ip-info/192.168.1.1/registration", HttpStatusCode.UnprocessableEntity },
        { "/api/ip-info/999.1.1.1/registration", HttpStatusCode.BadRequest },
        { "/api/as/notanumber/registration", HttpStatusCode.BadRequest },
        { "/api/ip-info/9.9.9.9/registration", HttpStatusCode.NotFound },
        { "/api/as/64512/registration", HttpStatusCode.NotFound },
    };

    [Theory]
    [MemberData(nameof(BadQuestions))]
    public async Task A_question_without_a_public_registration_is_a_problem_saying_why(string url, HttpStatusCode expected)
    {
        var response = await client.GetAsync(url);

        Assert.Equal(expected, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("detail").GetString()));
    }

    [Fact]
    public async Task The_abuse_line_for_a_private_address_says_so_without_asking_anyone()
    {
        var before = site.Arin.Requests + site.Ripe.Requests;

        var response = await client.GetAsync("/abuse?ip=10.0.0.1");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal("Private address\n", await response.Content.ReadAsStringAsync());
        Assert.Equal(before, site.Arin.Requests + site.Ripe.Requests);
    }

    [Fact]
    public async Task Markup_in_a_registrys_names_is_shown_as_text_never_run()
    {
        var response = await client.GetAsync($"/registration?ip={RdapRegistries.ScriptAddress}");
        var html = await response.Content.ReadAsStringAsync();
        var document = await Html.ParseAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = document.QuerySelector(".registration-body")!;
        Assert.Empty(body.QuerySelectorAll("script, img"));
        Assert.Contains(body.QuerySelectorAll("dd"), dd => dd.TextContent == "<script>alert(1)</script>");
        Assert.Contains(body.QuerySelectorAll("dd"), dd => dd.TextContent == "<img src=x onerror=alert(1)>");
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_page_without_javascript_shows_the_registration_and_a_way_back_to_the_card()
    {
        var document = await client.GetDocumentAsync($"/registration?ip={RdapRegistries.RipeAddress}");

        Assert.NotNull(document.QuerySelector("html"));
        Assert.Equal(RdapRegistries.RipeAddress, document.QuerySelector("h1")!.TextContent.Trim());
        Assert.NotNull(document.QuerySelector(".registration-body a[href='mailto:abuse@ripe.net']"));
        Assert.NotNull(document.QuerySelector($"a[href='/?ip={RdapRegistries.RipeAddress}']"));
    }

    [Fact]
    public async Task Htmx_gets_the_registration_fragment_alone()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/registration?ip={RdapRegistries.RipeAddress}");
        request.Headers.Add("HX-Request", "true");

        var response = await client.SendAsync(request);
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain("<html", html, StringComparison.OrdinalIgnoreCase);
        Assert.StartsWith("<div class=\"registration-body\"", html.Trim(), StringComparison.Ordinal);
        Assert.Contains("abuse@ripe.net", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_cards_first_html_links_to_the_registration_but_holds_none_of_it()
    {
        var before = site.Arin.RequestsTo($"/registry/ip/{RdapRegistries.ArinAddress}");
        var response = await client.GetAsync($"/?ip={RdapRegistries.ArinAddress}");
        var html = await response.Content.ReadAsStringAsync();
        var document = await Html.ParseAsync(response);

        var section = document.Card().QuerySelector("details.registration")!;
        Assert.Equal($"/registration?ip={RdapRegistries.ArinAddress}", section.GetAttribute("hx-get"));
        Assert.NotNull(section.QuerySelector($"a[href='/registration?ip={RdapRegistries.ArinAddress}']"));
        Assert.DoesNotContain("network-abuse@google.com", html, StringComparison.Ordinal);
        Assert.Equal(before, site.Arin.RequestsTo($"/registry/ip/{RdapRegistries.ArinAddress}"));
    }

    [Fact]
    public async Task The_as_page_offers_the_as_registration_on_demand()
    {
        var document = await client.GetDocumentAsync("/AS15169");

        var section = document.QuerySelector("details.registration")!;
        Assert.Equal("/registration?as=15169", section.GetAttribute("hx-get"));
        var registration = await client.GetDocumentAsync("/registration?as=15169");
        Assert.NotNull(registration.QuerySelector(".registration-body a[href='mailto:network-abuse@google.com']"));
    }
}
