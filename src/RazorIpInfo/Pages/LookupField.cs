namespace RazorIpInfo.Pages;

/// <summary>What Shared/_LookupField renders: the value typed, the error beside it, and whether htmx swaps it in out of band.</summary>
public sealed record LookupField(string? Value, string? Error, bool OutOfBand);
