using System.Xml.Linq;

namespace RazorIpInfo.Tests.Personalisation;

/// <summary>Every UI string exists, non-empty, in all eight languages.</summary>
public sealed class ResourceTests
{
    private static readonly string[] Languages = ["de", "es", "fr", "ja", "pt-BR", "ru", "zh-CN"];

    private static readonly string[] Placeholders = ["{0}", "{1}", "{2}"];

    public static TheoryData<string> Translations => new(Languages);

    [Theory]
    [MemberData(nameof(Translations))]
    public void EveryLanguageHasEveryStringAndNothingElse(string language)
    {
        var english = Strings("SharedResource.resx");
        var translated = Strings($"SharedResource.{language}.resx");

        Assert.Empty(english.Keys.Except(translated.Keys));
        Assert.Empty(translated.Keys.Except(english.Keys));
        Assert.Empty(translated.Where(pair => string.IsNullOrWhiteSpace(pair.Value)).Select(pair => pair.Key));
        Assert.Empty(english.Where(pair => string.IsNullOrWhiteSpace(pair.Value)).Select(pair => pair.Key));
    }

    [Theory]
    [MemberData(nameof(Translations))]
    public void TranslationsKeepTheirPlaceholders(string language)
    {
        var english = Strings("SharedResource.resx");
        var translated = Strings($"SharedResource.{language}.resx");

        foreach (var (key, value) in english)
        {
            foreach (var placeholder in Placeholders.Where(p => value.Contains(p, StringComparison.Ordinal)))
            {
                Assert.True(translated[key].Contains(placeholder, StringComparison.Ordinal), $"{language}: {key} lacks {placeholder}");
            }
        }
    }

    private static Dictionary<string, string> Strings(string file)
    {
        var path = Path.Combine(SourceDirectory(), "src", "RazorIpInfo", "Resources", file);
        Assert.True(File.Exists(path), $"{path} is missing.");
        return XDocument.Load(path).Root!.Elements("data")
            .ToDictionary(data => data.Attribute("name")!.Value, data => data.Element("value")?.Value ?? "");
    }

    private static string SourceDirectory()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "RazorIpInfo.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("RazorIpInfo.sln not found above the test output.");
    }
}
