using System.Text.Json;

namespace RazorIpInfo.Lookup.Rdap;

/// <summary>
/// Reads a registry's RDAP answer (RFC 9083) into a <see cref="RdapRegistration"/>. The answer is untrusted:
/// nesting and entity counts are bounded, every string is cleaned, and anything unexpected is left out.
/// </summary>
public static class RdapAnswerParser
{
    /// <summary>Real records nest entities two or three deep (the network's, its organisation's contacts).</summary>
    public const int MaxEntityDepth = 4;

    /// <summary>More entities than any real record has are not read.</summary>
    public const int MaxEntities = 64;

    private const int MaxCidrs = 16;

    /// <summary>The registration, or null when the answer is not an RDAP network or autnum object.</summary>
    public static RdapRegistration? Parse(ReadOnlyMemory<byte> json, Uri asked)
    {
        try
        {
            using var document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 32 });
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || Text(root, "objectClassName") is not ("ip network" or "autnum"))
            {
                return null;
            }

            var range = Text(root, "startAddress") is { } start && Text(root, "endAddress") is { } end ? $"{start} – {end}"
                : Number(root, "startAutnum") is { } first && Number(root, "endAutnum") is { } last
                    ? (first == last ? $"AS{first}" : $"AS{first} – AS{last}")
                : null;

            var entities = new List<(JsonElement Entity, int Depth)>();
            Collect(root, 0, entities);
            // RIPE also lists its maintainers as registrants, without a card: the first registrant with a name.
            var organisation = entities.Where(e => HasRole(e.Entity, "registrant"))
                .Select(e => Card(e.Entity, "fn") ?? Card(e.Entity, "org"))
                .FirstOrDefault(name => name is not null);
            // The abuse contact nearest the record: RIPE puts it on the network, ARIN under the organisation.
            var abuse = entities.Where(e => HasRole(e.Entity, "abuse"))
                .OrderBy(e => e.Depth)
                .Select(e => (Email: Email(Card(e.Entity, "email")), Phone: Phone(Card(e.Entity, "tel"))))
                .FirstOrDefault(contact => contact.Email is not null || contact.Phone is not null);

            return new RdapRegistration(
                Registry: RegistryName(asked),
                Handle: Text(root, "handle"),
                Name: Text(root, "name"),
                Range: UpstreamText.Clean(range),
                Cidrs: Cidrs(root),
                Country: Text(root, "country"),
                Organisation: organisation,
                AbuseEmail: abuse.Email,
                AbusePhone: abuse.Phone,
                RecordUrl: SelfLink(root, asked) ?? asked.AbsoluteUri);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or ArgumentException)
        {
            return null;
        }
    }

    /// <summary>The RIRs by the hosts IANA's bootstrap names; anything else (a mirror, a national registry) by its host.</summary>
    public static string RegistryName(Uri url) => url.Host switch
    {
        "rdap.arin.net" => "ARIN",
        "rdap.db.ripe.net" => "RIPE NCC",
        "rdap.apnic.net" => "APNIC",
        "rdap.lacnic.net" => "LACNIC",
        "rdap.afrinic.net" => "AFRINIC",
        _ => url.Authority,
    };

    private static void Collect(JsonElement holder, int depth, List<(JsonElement, int)> found)
    {
        if (depth >= MaxEntityDepth || !holder.TryGetProperty("entities", out var entities) || entities.ValueKind != JsonValueKind.Array)
        {
            return;
        }

        foreach (var entity in entities.EnumerateArray())
        {
            if (found.Count >= MaxEntities)
            {
                return;
            }

            if (entity.ValueKind == JsonValueKind.Object)
            {
                found.Add((entity, depth));
                Collect(entity, depth + 1, found);
            }
        }
    }

    private static bool HasRole(JsonElement entity, string role) =>
        entity.ValueKind == JsonValueKind.Object &&
        entity.TryGetProperty("roles", out var roles) && roles.ValueKind == JsonValueKind.Array &&
        roles.EnumerateArray().Take(16).Any(r => r.ValueKind == JsonValueKind.String && string.Equals(r.GetString(), role, StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// A property of the entity's jCard (RFC 7095): <c>["vcard", [["fn", {}, "text", "Google LLC"], …]]</c>.
    /// The first value that is a single string; structured values (an address) are not what is asked here.
    /// </summary>
    private static string? Card(JsonElement entity, string property)
    {
        if (!entity.TryGetProperty("vcardArray", out var card) || card.ValueKind != JsonValueKind.Array ||
            card.GetArrayLength() < 2 || card[1].ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        foreach (var line in card[1].EnumerateArray().Take(64))
        {
            if (line.ValueKind == JsonValueKind.Array && line.GetArrayLength() >= 4 &&
                line[0].ValueKind == JsonValueKind.String && string.Equals(line[0].GetString(), property, StringComparison.OrdinalIgnoreCase) &&
                line[3].ValueKind == JsonValueKind.String && UpstreamText.Clean(line[3].GetString()) is { } value)
            {
                return value;
            }
        }

        return null;
    }

    // "mailto:" is how some registries write an e-mail as a URI value; a value that is no address is left out.
    private static string? Email(string? value)
    {
        var email = value?.StartsWith("mailto:", StringComparison.OrdinalIgnoreCase) == true ? value[7..] : value;
        return email is not null && email.IndexOf('@') > 0 && !email.Any(char.IsWhiteSpace) && email.IndexOfAny(['<', '>', '"']) < 0
            ? email
            : null;
    }

    // A tel: URI value ("tel:+1-703-227-0660;ext=") shown as the number a person dials.
    private static string? Phone(string? value)
    {
        var phone = value?.StartsWith("tel:", StringComparison.OrdinalIgnoreCase) == true ? value[4..].Split(';')[0] : value;
        return string.IsNullOrWhiteSpace(phone) ? null : phone;
    }

    private static string? SelfLink(JsonElement root, Uri asked)
    {
        if (!root.TryGetProperty("links", out var links) || links.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        foreach (var link in links.EnumerateArray().Take(32))
        {
            if (link.ValueKind == JsonValueKind.Object && Text(link, "rel") == "self" && Text(link, "href") is { } href &&
                Uri.TryCreate(asked, href, out var url) && url.Scheme == asked.Scheme)
            {
                return url.AbsoluteUri;
            }
        }

        return null;
    }

    private static List<string> Cidrs(JsonElement root)
    {
        if (!root.TryGetProperty("cidr0_cidrs", out var cidrs) || cidrs.ValueKind != JsonValueKind.Array)
        {
            return [];
        }

        var found = new List<string>();
        foreach (var cidr in cidrs.EnumerateArray().Take(MaxCidrs))
        {
            if (cidr.ValueKind != JsonValueKind.Object || Number(cidr, "length") is not { } length)
            {
                continue;
            }

            var prefix = Text(cidr, "v4prefix") ?? Text(cidr, "v6prefix");
            if (prefix is not null && System.Net.IPNetwork.TryParse($"{prefix}/{length}", out var network))
            {
                found.Add(network.ToString());
            }
        }

        return found;
    }

    private static string? Text(JsonElement holder, string name) =>
        holder.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? UpstreamText.Clean(value.GetString()) : null;

    private static uint? Number(JsonElement holder, string name) =>
        holder.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetUInt32(out var number) ? number : null;
}
