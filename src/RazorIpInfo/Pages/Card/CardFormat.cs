using System.Globalization;
using RazorIpInfo.Lookup;

namespace RazorIpInfo.Pages.Card;

/// <summary>Culture-aware text for the card's values.</summary>
public static class CardFormat
{
    public static string Coordinates(double latitude, double longitude) =>
        string.Format(CultureInfo.CurrentCulture, "{0:0.0000}, {1:0.0000}", latitude, longitude);

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
    public static string Age(TimeSpan age) => age switch
    {
        { TotalMinutes: < 1 } => "just now",
        { TotalHours: < 1 } => Ago((int)age.TotalMinutes, "minute"),
        { TotalDays: < 1 } => Ago((int)age.TotalHours, "hour"),
        _ => Ago((int)age.TotalDays, "day"),
    };

    private static string Ago(int count, string unit) =>
        string.Create(CultureInfo.CurrentCulture, $"{count} {unit}{(count == 1 ? "" : "s")} ago");

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

    public static string? NetworkFlags(IpInfo info)
    {
        if (info is { Mobile: null, Proxy: null, Hosting: null })
        {
            return null;
        }

        var flags = new List<string>(3);
        if (info.Mobile == true)
        {
            flags.Add("Mobile network");
        }

        if (info.Proxy == true)
        {
            flags.Add("Proxy, VPN or Tor");
        }

        if (info.Hosting == true)
        {
            flags.Add("Hosting or data centre");
        }

        return flags.Count == 0 ? "None flagged" : string.Join(", ", flags);
    }
}
