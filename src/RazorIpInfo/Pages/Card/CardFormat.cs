using System.Globalization;
using Microsoft.AspNetCore.Html;
using Microsoft.AspNetCore.Mvc.Rendering;
using Microsoft.Extensions.Localization;
using RazorIpInfo.Lookup;
using RazorIpInfo.Resources;

namespace RazorIpInfo.Pages.Card;

/// <summary>Culture-aware text for the card's values.</summary>
public static class CardFormat
{
    /// <summary>Where the culture writes decimals with a comma (de, fr, ru, …) the pair is separated by a semicolon, so it stays readable.</summary>
    public static string Coordinates(double latitude, double longitude)
    {
        var culture = CultureInfo.CurrentCulture;
        var separator = culture.NumberFormat.NumberDecimalSeparator == "," ? "; " : ", ";
        return string.Format(culture, "{0:0.0000}{2}{1:0.0000}", latitude, longitude, separator);
    }

    /// <summary>The weekday and the culture's short time: "Tue 14:05", "Di. 14:05", "火 14:05", "Tue 2:05 PM" where that is the custom.</summary>
    public static string LocalTimeText(DateTimeOffset local) =>
        string.Format(CultureInfo.CurrentCulture, "{0:ddd} {0:t}", local);

    /// <summary>
    /// A &lt;time&gt; element saying how long ago data was fetched ("4 minutes ago"), with the instant
    /// machine-readable and, on hover, in UTC.
    /// </summary>
    public static IHtmlContent AgeElement(DateTimeOffset fetchedAt, TimeSpan age, IStringLocalizer<SharedResource> text)
    {
        var time = new TagBuilder("time");
        time.Attributes["datetime"] = fetchedAt.ToString("O", CultureInfo.InvariantCulture);
        time.Attributes["title"] = fetchedAt.UtcDateTime.ToString("G", CultureInfo.CurrentCulture) + " UTC";
        time.InnerHtml.Append(Age(age, text));
        return time;
    }

    /// <summary>
    /// The address for the card's headline: an IPv4 address has no break opportunity at all, and an IPv6 one
    /// only after a colon (a &lt;wbr&gt;), so a line never ends inside a group. The CSS turns off breaking anywhere.
    /// </summary>
    public static IHtmlContent AddressHeadline(string address)
    {
        var builder = new HtmlContentBuilder();
        var groups = address.Split(':');
        for (var i = 0; i < groups.Length; i++)
        {
            builder.Append(groups[i]);
            if (i < groups.Length - 1)
            {
                builder.Append(":");
                builder.AppendHtml("<wbr>");
            }
        }

        return builder;
    }

    /// <summary>The resource key of the sentence that says why an address not on the internet has nothing to look up.</summary>
    public static string RefusalTextKey(string? query, RefusalReason reason)
    {
        var kind = System.Net.IPAddress.TryParse(query, out var address) ? AddressScope.Classify(address) : (AddressKind?)null;
        return kind switch
        {
            AddressKind.Loopback => "Card.Loopback",
            AddressKind.SharedCgnat => "Card.Cgnat",
            AddressKind.LinkLocal => "Card.LinkLocal",
            AddressKind.Reserved when AddressScope.IsDocumentation(address!) => "Card.Documentation",
            _ => reason == RefusalReason.PrivateRange ? "Card.Private" : "Card.Reserved",
        };
    }

    /// <summary>The one short line a screen reader hears when a card arrives: the address and its place, or the card's title.</summary>
    public static string StatusLine(IpInfo info) =>
        Place(info) is { Length: > 0 } place ? $"{info.Address}: {place}" : info.Address;

    /// <summary>A link for use as a localised sentence's argument.</summary>
    public static IHtmlContent Link(string href, string label, string? rel = null)
    {
        var link = new TagBuilder("a");
        link.Attributes["href"] = href;
        if (rel is not null)
        {
            link.Attributes["rel"] = rel;
        }

        link.InnerHtml.Append(label);
        return link;
    }

    public static string UtcOffset(int seconds)
    {
        var offset = TimeSpan.FromSeconds(seconds);
        var sign = offset < TimeSpan.Zero ? "−" : "+";
        return $"UTC{sign}{offset.Duration():hh\\:mm}";
    }

    /// <summary>The time now at the address's location: its IANA zone when the server knows it, else the fixed offset.</summary>
    public static DateTimeOffset? LocalTime(IpInfo info, DateTimeOffset now)
    {
        if (info.TimeZone is { } id && TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone))
        {
            return TimeZoneInfo.ConvertTime(now, zone);
        }

        return info.UtcOffsetSeconds is { } seconds ? now.ToOffset(TimeSpan.FromSeconds(seconds)) : null;
    }

    /// <summary>How long ago data was fetched, as a person would say it.</summary>
    public static string Age(TimeSpan age, IStringLocalizer<SharedResource> text) => age switch
    {
        { TotalMinutes: < 1 } => text["Age.JustNow"],
        { TotalHours: < 1 } => Ago((int)age.TotalMinutes, "Age.Minute", "Age.Minutes", text),
        { TotalDays: < 1 } => Ago((int)age.TotalHours, "Age.Hour", "Age.Hours", text),
        _ => Ago((int)age.TotalDays, "Age.Day", "Age.Days", text),
    };

    private static string Ago(int count, string one, string many, IStringLocalizer<SharedResource> text) =>
        text[count == 1 ? one : many, count];

    public static string Place(IpInfo info) =>
        string.Join(", ", new[] { info.City, info.Region, info.Country }.Where(part => !string.IsNullOrEmpty(part)).Distinct());

    public static string? WithCode(string? name, string? code) =>
        (name, code) switch
        {
            (null, null) => null,
            (null, _) => code,
            (_, null) => name,
            _ => $"{name} ({code})",
        };

    public static string? AutonomousSystem(IpInfo info) =>
        (info.AsNumber, info.AsName) switch
        {
            (null, null) => null,
            (null, var name) => name,
            (var number, null) => number,
            var (number, name) => $"{number} · {name}",
        };

    /// <summary>The AS page of the card's AS ("/AS15169"), when the AS number is one.</summary>
    public static string? AsPageUrl(IpInfo info) =>
        info.AsNumber is { Length: > 2 } number && number.StartsWith("AS", StringComparison.OrdinalIgnoreCase) &&
        uint.TryParse(number.AsSpan(2), NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            ? "/AS" + value.ToString(CultureInfo.InvariantCulture)
            : null;

    public static string? NetworkFlags(IpInfo info, IStringLocalizer<SharedResource> text)
    {
        // A Tor list's "no" alone says nothing of the provider's flags (the offline database has none).
        if (info is { Mobile: null, Proxy: null, Hosting: null } && info.TorExit != true)
        {
            return null;
        }

        var flags = new List<string>(4);
        if (info.Mobile == true)
        {
            flags.Add(text["Card.Network.Mobile"]);
        }

        if (info.Proxy == true)
        {
            flags.Add(text["Card.Network.Proxy"]);
        }

        if (info.Hosting == true)
        {
            flags.Add(text["Card.Network.Hosting"]);
        }

        if (info.TorExit == true)
        {
            flags.Add(text["Card.Network.TorExit"]);
        }

        return flags.Count == 0 ? text["Card.Network.None"] : string.Join(", ", flags);
    }
}
