using System.Text.Json;
using System.Text.Json.Serialization;

namespace RazorIpInfo.Lookup.IpApi;

/// <summary>The body of ip-api.com's /json endpoint, restricted to <see cref="IpApiClient.Fields"/>.</summary>
internal sealed record IpApiResponse(
    string? Status,
    string? Message,
    string? Query,
    string? Country,
    string? CountryCode,
    string? Region,
    string? RegionName,
    string? City,
    string? Zip,
    double? Lat,
    double? Lon,
    string? Timezone,
    int? Offset,
    string? Isp,
    string? Org,
    [property: JsonPropertyName("as")] string? AutonomousSystem,
    string? AsName,
    string? Reverse,
    bool? Mobile,
    bool? Proxy,
    bool? Hosting);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(IpApiResponse))]
[JsonSerializable(typeof(List<IpApiResponse>))]
[JsonSerializable(typeof(List<BatchQuery>))]
internal sealed partial class IpApiJsonContext : JsonSerializerContext;
