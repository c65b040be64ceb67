namespace RazorIpInfo.Tests.Lookup.Rdap;

/// <summary>
/// Answers shaped like the registries' own (fields, nesting and jCards as ARIN and RIPE NCC send them, trimmed),
/// written for these tests.
/// </summary>
public static class RdapSamples
{
    /// <summary>ARIN: the abuse contact is nested under the registrant organisation; tel as text with a type list.</summary>
    public static string ArinNetwork(string selfBase, string name = "GOGL", string organisation = "Google LLC") => $$"""
        {
          "rdapConformance": ["nro_rdap_profile_0", "rdap_level_0", "cidr0", "arin_originas0"],
          "notices": [{ "title": "Terms of Service", "description": ["By using the ARIN RDAP/Whois service, you are agreeing to the RDAP/Whois Terms of Use"] }],
          "handle": "NET-8-8-8-0-2",
          "startAddress": "8.8.8.0",
          "endAddress": "8.8.8.255",
          "ipVersion": "v4",
          "name": {{Quoted(name)}},
          "type": "DIRECT ALLOCATION",
          "parentHandle": "NET-8-0-0-0-0",
          "events": [{ "eventAction": "last changed", "eventDate": "2023-12-28T17:24:56-05:00" }],
          "links": [
            { "value": "{{selfBase}}ip/8.8.8.8", "rel": "self", "type": "application/rdap+json", "href": "{{selfBase}}ip/8.8.8.0" },
            { "value": "{{selfBase}}ip/8.8.8.8", "rel": "alternate", "type": "application/xml", "href": "https://whois.arin.net/rest/net/NET-8-8-8-0-2" }
          ],
          "entities": [
            {
              "handle": "GOGL",
              "vcardArray": ["vcard", [
                ["version", {}, "text", "4.0"],
                ["fn", {}, "text", {{Quoted(organisation)}}],
                ["adr", { "label": "1600 Amphitheatre Parkway\nMountain View\nCA\n94043\nUnited States" }, "text", ["", "", "", "", "", "", ""]],
                ["kind", {}, "text", "org"]
              ]],
              "roles": ["registrant"],
              "entities": [
                {
                  "handle": "ABUSE5250-ARIN",
                  "vcardArray": ["vcard", [
                    ["version", {}, "text", "4.0"],
                    ["adr", { "label": "1600 Amphitheatre Parkway\nMountain View\nCA\n94043\nUnited States" }, "text", ["", "", "", "", "", "", ""]],
                    ["fn", {}, "text", "Abuse"],
                    ["org", {}, "text", "Abuse"],
                    ["kind", {}, "text", "group"],
                    ["email", {}, "text", "network-abuse@google.com"],
                    ["tel", { "type": ["work", "voice"] }, "text", "+1-650-253-0000"]
                  ]],
                  "roles": ["abuse"],
                  "objectClassName": "entity"
                },
                {
                  "handle": "ZG39-ARIN",
                  "vcardArray": ["vcard", [
                    ["version", {}, "text", "4.0"],
                    ["fn", {}, "text", "Google LLC"],
                    ["email", {}, "text", "arin-contact@google.com"]
                  ]],
                  "roles": ["technical", "administrative"],
                  "objectClassName": "entity"
                }
              ],
              "objectClassName": "entity"
            }
          ],
          "port43": "whois.arin.net",
          "status": ["active"],
          "objectClassName": "ip network",
          "cidr0_cidrs": [{ "v4prefix": "8.8.8.0", "length": 24 }]
        }
        """;

    /// <summary>RIPE NCC: maintainers listed as registrants without a card, the abuse contact at the top, tel as a tel: URI.</summary>
    public static string RipeNetwork(string selfBase, string address) => $$"""
        {
          "rdapConformance": ["cidr0", "rdap_level_0", "nro_rdap_profile_0", "redacted"],
          "handle": "193.0.0.0 - 193.0.7.255",
          "startAddress": "193.0.0.0",
          "endAddress": "193.0.7.255",
          "ipVersion": "v4",
          "name": "RIPE-NCC",
          "type": "ASSIGNED PA",
          "country": "NL",
          "objectClassName": "ip network",
          "links": [{ "value": "{{selfBase}}ip/{{address}}", "rel": "self", "href": "{{selfBase}}ip/193.0.0.0/21" }],
          "entities": [
            { "handle": "RIPE-NCC-MNT", "roles": ["registrant"], "objectClassName": "entity" },
            {
              "handle": "ORG-RIEN1-RIPE",
              "vcardArray": ["vcard", [
                ["version", {}, "text", "4.0"],
                ["fn", {}, "text", "Reseaux IP Europeens Network Coordination Centre (RIPE NCC)"],
                ["kind", {}, "text", "org"]
              ]],
              "roles": ["registrant"],
              "objectClassName": "entity"
            },
            {
              "handle": "OPS4-RIPE",
              "vcardArray": ["vcard", [
                ["version", {}, "text", "4.0"],
                ["fn", {}, "text", "RIPE NCC Operations"],
                ["kind", {}, "text", "group"],
                ["email", {}, "text", "ops@ripe.net"]
              ]],
              "roles": ["administrative", "technical"],
              "objectClassName": "entity"
            },
            {
              "handle": "ops4-ripe",
              "vcardArray": ["vcard", [
                ["version", {}, "text", "4.0"],
                ["fn", {}, "text", "Abuse contact"],
                ["kind", {}, "text", "group"],
                ["email", { "type": "abuse" }, "text", "abuse@ripe.net"],
                ["tel", { "type": "voice" }, "uri", "tel:+31205354444"]
              ]],
              "roles": ["abuse"],
              "objectClassName": "entity"
            }
          ],
          "cidr0_cidrs": [{ "v4prefix": "193.0.0.0", "length": 21 }],
          "port43": "whois.ripe.net"
        }
        """;

    public static string Autnum(string selfBase, uint number, string name, string organisation, string abuseEmail) => $$"""
        {
          "handle": "AS{{number}}",
          "startAutnum": {{number}},
          "endAutnum": {{number}},
          "name": {{Quoted(name)}},
          "objectClassName": "autnum",
          "links": [{ "value": "{{selfBase}}autnum/{{number}}", "rel": "self", "href": "{{selfBase}}autnum/{{number}}" }],
          "entities": [
            {
              "handle": "ORG-1",
              "vcardArray": ["vcard", [["version", {}, "text", "4.0"], ["fn", {}, "text", {{Quoted(organisation)}}], ["kind", {}, "text", "org"]]],
              "roles": ["registrant"],
              "entities": [
                {
                  "handle": "ABUSE-1",
                  "vcardArray": ["vcard", [["version", {}, "text", "4.0"], ["fn", {}, "text", "Abuse"], ["email", {}, "text", {{Quoted(abuseEmail)}}]]],
                  "roles": ["abuse"]
                }
              ]
            }
          ]
        }
        """;

    /// <summary>IANA's bootstrap shape (RFC 9224), naming the given services.</summary>
    public static string Bootstrap(params (string[] Entries, Uri[] Services)[] services) =>
        System.Text.Json.JsonSerializer.Serialize(new
        {
            version = "1.0",
            publication = "2026-11-20T18:00:02Z",
            description = "RDAP bootstrap file for testing",
            services = services.Select(s => new object[] { s.Entries, s.Services.Select(u => u.AbsoluteUri).ToArray() }).ToArray(),
        });

    private static string Quoted(string text) => System.Text.Json.JsonSerializer.Serialize(text);
}
