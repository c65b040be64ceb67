using MaxMind.Db;

namespace RazorIpInfo.Lookup.GeoDb;

/// <summary>One record of the ip-location-db DB-IP City files; the format fills absent fields with "".</summary>
internal sealed class GeoDbRecord
{
    [Constructor]
    public GeoDbRecord(
        [MapKey("country_code")] string? countryCode,
        [MapKey("state1")] string? state1,
        [MapKey("state2")] string? state2,
        [MapKey("city")] string? city,
        [MapKey("postcode")] string? postcode,
        [MapKey("latitude")] float? latitude,
        [MapKey("longitude")] float? longitude,
        [MapKey("timezone")] string? timezone)
    {
        CountryCode = Blank(countryCode);
        State1 = Blank(state1);
        State2 = Blank(state2);
        City = Blank(city);
        Postcode = Blank(postcode);
        Latitude = latitude;
        Longitude = longitude;
        TimeZone = Blank(timezone);
    }

    public string? CountryCode { get; }
    public string? State1 { get; }
    public string? State2 { get; }
    public string? City { get; }
    public string? Postcode { get; }
    public float? Latitude { get; }
    public float? Longitude { get; }
    public string? TimeZone { get; }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
