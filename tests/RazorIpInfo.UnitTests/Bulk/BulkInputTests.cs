using RazorIpInfo.Bulk;

namespace RazorIpInfo.UnitTests.Bulk;

public sealed class BulkInputTests
{
    public static TheoryData<string, string[]> Inputs => new()
    {
        { "8.8.8.8\n1.1.1.1", ["8.8.8.8", "1.1.1.1"] },
        { "8.8.8.8, 1.1.1.1;9.9.9.9 2001:4860:4860::8888", ["8.8.8.8", "1.1.1.1", "9.9.9.9", "2001:4860:4860::8888"] },
        { "8.8.8.8 8.8.8.8 ::ffff:8.8.8.8", ["8.8.8.8"] },
        { "2001:4860:4860::8888 2001:4860:4860:0:0:0:0:8888", ["2001:4860:4860::8888"] },
        { "[2001:db8::1]:443 [2606:4700::1111] 203.0.113.7:51234", ["2001:db8::1", "2606:4700::1111", "203.0.113.7"] },
        { "Connection from 8.8.8.8.", ["8.8.8.8"] },
        { "client=1.1.1.1 for=\"[2606:4700::1111]:80\"", ["1.1.1.1", "2606:4700::1111"] },
        { "203.0.113.5 - - [25/Nov/2026:09:00:00 +0000] \"GET /index.html HTTP/1.1\" 200 512 \"-\" \"curl/8.5.0\"", ["203.0.113.5"] },
        { "Nov 25 09:00:01 host sshd[1234]: Failed password for root from 192.0.2.44 port 22 ssh2", ["192.0.2.44"] },
        { "no addresses here, only words and 42 numbers at 10:30", [] },
        { "", [] },
    };

    [Theory]
    [MemberData(nameof(Inputs))]
    public void AddressesAreFoundInListsAndLogsOnceEachInTheOrderTheyFirstAppear(string input, string[] addresses)
    {
        var entries = BulkInput.Extract(input, limit: 1000);

        Assert.Equal(addresses, entries.Select(e => e.Address!.ToString()));
    }

    public static TheoryData<string, string[]> Invalid => new()
    {
        { "999.1.1.1", ["999.1.1.1"] },
        { "8.8.8.8 1.2.3.4.5", ["1.2.3.4.5"] },
        { "010.1.1.1", ["010.1.1.1"] },
        { "2001:db8:::1", ["2001:db8:::1"] },
        { "fe80::1%eth0", ["fe80::1%eth0"] },
        { "999.1.1.1 999.1.1.1", ["999.1.1.1"] },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void WhatIsShapedLikeAnAddressButIsNotOneBecomesAnInvalidEntry(string input, string[] invalid)
    {
        var entries = BulkInput.Extract(input, limit: 1000);

        Assert.Equal(invalid, entries.Where(e => e.Address is null).Select(e => e.Text));
    }

    [Fact]
    public void ExtractionStopsOnePastTheLimitSoThatTooManyIsKnownWithoutReadingTheRest()
    {
        var input = string.Join('\n', Enumerable.Range(0, 5000).Select(i => $"11.0.{i / 250}.{i % 250}"));

        var entries = BulkInput.Extract(input, limit: 1000);

        Assert.Equal(1001, entries.Count);
    }

    [Theory]
    [InlineData("8.8.8.8", true)]
    [InlineData(" 8.8.8.8 ", true)]
    [InlineData("[2001:db8::1]:443", false)]
    [InlineData("8.8.8.8:80", false)]
    [InlineData("1.2.3", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void AnApiEntryIsJudgedExactlyAsASingleLookup(string? text, bool valid)
    {
        Assert.Equal(valid, BulkInput.FromString(text).Address is not null);
    }
}

/// <summary>Text far longer than any address is never kept whole, so an answer cannot repeat a huge input.</summary>
public sealed class BulkEntryLengthTests
{
    private static readonly string Huge = string.Concat(Enumerable.Repeat("1.2.", 250_000)) + "3";

    public static TheoryData<string, string> Cases => new()
    {
        // from, what is kept
        { "pasted", Huge },
        { "api", Huge },
        { "pasted", "[2001:db8::1]:443" },
        { "api", "[2001:db8::1]:443" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void AnEntryKeepsAtMostItsFirstCharacters(string from, string text)
    {
        var entry = from == "api" ? BulkInput.FromString(text) : BulkInput.Extract(text, limit: 10).Single();

        Assert.Equal(text.Length > BulkInput.MaxEntryLength ? text[..BulkInput.MaxEntryLength] : text, entry.Text);
        Assert.True(BulkInput.MaxEntryLength > "[fe80:ffff:ffff:ffff:ffff:ffff:ffff:ffff%eth0]:65535".Length);
    }
}
