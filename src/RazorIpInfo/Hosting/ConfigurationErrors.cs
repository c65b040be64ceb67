using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace RazorIpInfo.Observability;

/// <summary>
/// A configuration mistake stops start-up with one line per mistake naming the configuration key
/// (<c>Cache:LocalSizeLimitBytes</c>, not <c>LocalSizeLimitBytes</c>), instead of the host's log entry and an
/// unhandled-exception report, each a screen of stack trace that says nothing an operator can act on.
/// </summary>
public static partial class ConfigurationErrors
{
    /// <summary>Runs the app, or explains its configuration mistakes on standard error and returns exit code 1.</summary>
    public static int RunUnlessMisconfigured(this WebApplication app)
    {
        try
        {
            // The very checks ValidateOnStart registered, run before the host starts rather than by it,
            // so that the host has nothing to log with a stack trace.
            app.Services.GetService<IStartupValidator>()?.Validate();
        }
        catch (Exception e) when (Explain(e) is { Count: > 0 } mistakes)
        {
            foreach (var mistake in mistakes)
            {
                Console.Error.WriteLine($"Configuration error: {mistake}");
            }

            return 1;
        }

        app.Run();
        return 0;
    }

    /// <summary>One sentence per mistake, each naming its key; empty for anything that is not a configuration mistake.</summary>
    public static IReadOnlyList<string> Explain(Exception exception) => exception switch
    {
        OptionsValidationException options => [.. options.Failures.Select(failure => NameTheKey(options.OptionsType, failure)).Distinct()],
        // One options class may be checked under more than one name (a typed client's named options); say each mistake once.
        AggregateException all => [.. all.InnerExceptions.SelectMany(Explain).Distinct()],
        // The binder's own message already names the key and the value: "Failed to convert configuration value 'abc' at 'Cache:SuccessTtl' to type 'System.TimeSpan'."
        InvalidOperationException { Message: var message } when message.StartsWith("Failed to convert configuration value", StringComparison.Ordinal) => [message],
        _ => [],
    };

    /// <summary>
    /// Data annotations name the property only; every options class here says where it binds from in a
    /// <c>Section</c> constant, which turns the property into the key an operator sets.
    /// Failures from our own <c>Validate(…)</c> calls already name their keys and pass through unchanged.
    /// </summary>
    private static string NameTheKey(Type optionsType, string failure)
    {
        var match = DataAnnotationFailure().Match(failure);
        if (!match.Success)
        {
            return failure;
        }

        var error = match.Groups["error"].Value;
        var section = optionsType.GetField("Section", BindingFlags.Public | BindingFlags.Static)?.GetRawConstantValue() as string;
        if (section is not null && error.StartsWith($"{section}:", StringComparison.Ordinal))
        {
            // Our own messages ("ForwardedHeaders:KnownProxies contains …") already lead with the key.
            return error;
        }

        var keys = match.Groups["members"].Value
            .Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(member => section is null ? member : $"{section}:{member}");
        return $"{string.Join(", ", keys)}: {error}";
    }

    // The framework's wording (DataAnnotationValidateOptions): "DataAnnotation validation failed for 'T' members: 'A,B' with the error: '…'."
    [GeneratedRegex(@"^DataAnnotation validation failed for '[^']*' members: '(?<members>[^']*)' with the error: '(?<error>.*)'\.$", RegexOptions.Singleline)]
    private static partial Regex DataAnnotationFailure();
}
