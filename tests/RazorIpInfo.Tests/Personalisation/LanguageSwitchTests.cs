using RazorIpInfo.Personalisation;

namespace RazorIpInfo.Tests.Personalisation;

public sealed class LanguageSwitchTests
{
    [Theory]
    [InlineData("/?ip=8.8.8.8", "/?ip=8.8.8.8")]
    [InlineData("/é", "/%C3%A9")]
    [InlineData("/?ip=é", "/?ip=%C3%A9")]
    [InlineData("/\tx", "/")]
    [InlineData("/x\r\nSet-Cookie: a=b", "/")]
    [InlineData("//evil.example/", "/")]
    [InlineData("/\\evil.example/", "/")]
    [InlineData("https://evil.example/", "/")]
    [InlineData("", "/")]
    [InlineData(null, "/")]
    public void GoesBackOnlyToAnEncodedPathOnThisSite(string? returnUrl, string expected) =>
        Assert.Equal(expected, Languages.LocalReturnUrl(returnUrl));
}
