using System.Net;
using System.Text;
using RazorIpInfo.Lookup.Rdap;

namespace RazorIpInfo.Tests.Lookup.Rdap;

/// <summary>Registry answers and IANA's bootstrap files as the site reads them: real shapes, hostile ones bounded.</summary>
public sealed class RdapParsingTests
{
    private static readonly Uri Arin = new("https://rdap.arin.net/registry/");
    private static readonly Uri Ripe = new("https://rdap.db.ripe.net/");

    public static TheoryData<string, string, string?, string?, string?, string?> RealShapes => new()
    {
        // sample, registry, name, organisation, abuse e-mail, abuse phone
        { "arin", "ARIN", "GOGL", "Google LLC", "network-abuse@google.com", "+1-650-253-0000" },
        { "ripe", "RIPE NCC", "RIPE-NCC", "Reseaux IP Europeens Network Coordination Centre (RIPE NCC)", "abuse@ripe.net", "+31205354444" },
        { "autnum", "RIPE NCC", "GOOGLE", "Google LLC", "abuse@example.net", null },
    };

    [Theory]
    [MemberData(nameof(RealShapes))]
    public void The_abuse_contact_comes_from_the_abuse_entitys_vcard_nested_or_not(
        string sample, string registry, string? name, string? organisation, string? email, string? phone)
    {
        var (json, asked) = sample switch
        {
            "arin" => (RdapSamples.ArinNetwork(Arin.AbsoluteUri), new Uri(Arin, "ip/8.8.8.8")),
            "ripe" => (RdapSamples.RipeNetwork(Ripe.AbsoluteUri, "193.0.6.139"), new Uri(Ripe, "ip/193.0.6.139")),
            _ => (RdapSamples.Autnum(Ripe.AbsoluteUri, 15169, "GOOGLE", "Google LLC", "abuse@example.net"), new Uri(Ripe, "autnum/15169")),
        };

        var found = RdapAnswerParser.Parse(Encoding.UTF8.GetBytes(json), asked);

        Assert.NotNull(found);
        Assert.Equal(registry, found.Registry);
        Assert.Equal(name, found.Name);
        Assert.Equal(organisation, found.Organisation);
        Assert.Equal(email, found.AbuseEmail);
        Assert.Equal(phone, found.AbusePhone);
    }

    [Fact]
    public void A_network_record_gives_its_range_prefixes_handle_and_own_record_link()
    {
        var found = RdapAnswerParser.Parse(Encoding.UTF8.GetBytes(RdapSamples.ArinNetwork(Arin.AbsoluteUri)), new Uri(Arin, "ip/8.8.8.8"))!;

        Assert.Equal("NET-8-8-8-0-2", found.Handle);
        Assert.Equal("8.8.8.0 – 8.8.8.255", found.Range);
        Assert.Equal(["8.8.8.0/24"], found.Cidrs);
        Assert.Equal("https://rdap.arin.net/registry/ip/8.8.8.0", found.RecordUrl);
    }

    public static TheoryData<string, string> Hostile => new()
    {
        // what the answer does, the JSON
        { "not RDAP at all", """{"hello":"world"}""" },
        { "not JSON", "<html><body>Service unavailable</body></html>" },
        { "nested past any real record", """{"objectClassName":"ip network","a":""" + string.Concat(Enumerable.Repeat("[", 200)) + string.Concat(Enumerable.Repeat("]", 200)) + "}" },
        { "an array", "[1,2,3]" },
    };

    [Theory]
    [MemberData(nameof(Hostile))]
    public void An_answer_that_is_no_registration_gives_none(string what, string json)
    {
        Assert.True(RdapAnswerParser.Parse(Encoding.UTF8.GetBytes(json), new Uri(Arin, "ip/8.8.8.8")) is null, what);
    }

    [Fact]
    public void Names_with_control_characters_or_of_absurd_length_are_left_out_and_markup_is_kept_as_text()
    {
        var json = RdapSamples.ArinNetwork(Arin.AbsoluteUri, name: "EVIL\u001b[31mNET", organisation: "<script>alert(1)</script>");

        var found = RdapAnswerParser.Parse(Encoding.UTF8.GetBytes(json), new Uri(Arin, "ip/8.8.8.8"))!;

        Assert.Null(found.Name);
        // Text, escaped wherever it is printed (the page test checks that); never dropped silently into markup.
        Assert.Equal("<script>alert(1)</script>", found.Organisation);
        var longName = RdapAnswerParser.Parse(Encoding.UTF8.GetBytes(RdapSamples.ArinNetwork(Arin.AbsoluteUri, name: new string('N', 5000))), Arin)!;
        Assert.Null(longName.Name);
    }

    [Fact]
    public void An_abuse_contact_buried_deeper_than_any_real_record_or_past_the_entity_limit_is_not_read()
    {
        var deep = "{\"handle\":\"A\",\"roles\":[\"abuse\"],\"vcardArray\":[\"vcard\",[[\"email\",{},\"text\",\"deep@example.net\"]]]}";
        for (var level = 0; level < RdapAnswerParser.MaxEntityDepth; level++)
        {
            deep = "{\"handle\":\"L\",\"roles\":[\"technical\"],\"entities\":[" + deep + "]}";
        }

        var many = string.Join(",", Enumerable.Repeat("{\"handle\":\"X\",\"roles\":[\"technical\"]}", 5000)) +
                   ",{\"handle\":\"B\",\"roles\":[\"abuse\"],\"vcardArray\":[\"vcard\",[[\"email\",{},\"text\",\"late@example.net\"]]]}";

        foreach (var entities in new[] { deep, many })
        {
            var json = "{\"objectClassName\":\"ip network\",\"name\":\"N\",\"entities\":[" + entities + "]}";
            var found = RdapAnswerParser.Parse(Encoding.UTF8.GetBytes(json), new Uri(Arin, "ip/8.8.8.8"))!;
            Assert.Equal("N", found.Name);
            Assert.Null(found.AbuseEmail);
        }
    }

    [Fact]
    public void A_self_link_to_another_scheme_is_not_taken_and_the_url_asked_stands_instead()
    {
        var json = """{"objectClassName":"ip network","links":[{"rel":"self","href":"javascript:alert(1)"}]}""";

        var found = RdapAnswerParser.Parse(Encoding.UTF8.GetBytes(json), new Uri(Arin, "ip/8.8.8.8"))!;

        Assert.Equal("https://rdap.arin.net/registry/ip/8.8.8.8", found.RecordUrl);
    }

    [Fact]
    public void The_bootstrap_names_the_most_specific_registry_https_first_and_as_ranges()
    {
        var file = RdapBootstrapFile.Parse(Encoding.UTF8.GetBytes("""
            {"version":"1.0","publication":"2026-11-20T18:00:02Z","services":[
              [["8.0.0.0/8"],["https://rdap.arin.net/registry/","http://rdap.arin.net/registry/"]],
              [["8.8.0.0/16"],["http://rdap.example.net/rdap","https://rdap.example.net/rdap"]],
              [["2001:4860::/32"],["https://rdap.arin.net/registry/"]],
              [["1-1876","15169"],["https://rdap.arin.net/registry/"]]
            ]}
            """))!;

        Assert.Equal("https://rdap.example.net/rdap/", file.For(IPAddress.Parse("8.8.8.8"))[0].AbsoluteUri);
        Assert.Equal("https://rdap.arin.net/registry/", file.For(IPAddress.Parse("8.1.1.1"))[0].AbsoluteUri);
        Assert.Equal("https://rdap.arin.net/registry/", file.For(IPAddress.Parse("2001:4860::8888"))[0].AbsoluteUri);
        Assert.Empty(file.For(IPAddress.Parse("9.9.9.9")));
        Assert.NotEmpty(file.For(15169u));
        Assert.NotEmpty(file.For(1000u));
        Assert.Empty(file.For(3333u));
    }

    [Theory]
    [InlineData("")]
    [InlineData("{}")]
    [InlineData("""{"services":[[["not a range"],["https://rdap.arin.net/registry/"]]]}""")]
    [InlineData("""{"services":"none"}""")]
    [InlineData("""{"services":[]}""")]
    public void A_bootstrap_file_that_is_not_one_is_refused_so_the_last_good_copy_stays(string json)
    {
        Assert.Null(RdapBootstrapFile.Parse(Encoding.UTF8.GetBytes(json)));
    }
}
