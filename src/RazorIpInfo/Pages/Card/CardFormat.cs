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

    /// <summary>A &lt;time&gt; element for an instant: machine-readable UTC, shown as the culture's long time in UTC.</summary>
    public static IHtmlContent TimeElement(DateTimeOffset instant)
    {
        var time = new TagBuilder("time");
        time.Attributes["datetime"] = instant.ToString("O", CultureInfo.InvariantCulture);
        time.InnerHtml.Append(instant.UtcDateTime.ToString("T", CultureInfo.CurrentCulture) + " UTC");
        return time;
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

    public static string? NetworkFlags(IpInfo info, IStringLocalizer<SharedResource> text)
    {
        if (info is { Mobile: null, Proxy: null, Hosting: null })
        {
            return null;
        }

        var flags = new List<string>(3);
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

        return flags.Count == 0 ? text["Card.Network.None"] : string.Join(", ", flags);
    }
}
