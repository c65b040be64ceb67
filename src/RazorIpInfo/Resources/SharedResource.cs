namespace RazorIpInfo.Resources;

/// <summary>
/// The one resource set for every UI string (SharedResource.resx is English, the neutral language, and
/// SharedResource.{culture}.resx the others), so a test can check all languages have every key.
/// </summary>
public sealed class SharedResource
{
    private SharedResource()
    {
    }
}
