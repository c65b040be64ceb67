using Microsoft.Extensions.Options;

namespace RazorIpInfo.Hosting;

/// <summary>
/// A configuration mistake stops start-up with one line per mistake naming the configuration key
/// (<c>Cache:LocalSizeLimitBytes</c>, not <c>LocalSizeLimitBytes</c>), instead of the host's log entry and an
/// unhandled-exception report, each a screen of stack trace that says nothing an operator can act on.
/// Every validator names its keys itself (<see cref="ConfigurationKeys.ValidateKeys{TOptions}"/> and the rules
/// beside each feature's registration), so the lines are printed as they come.
/// </summary>
public static class ConfigurationErrors
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
        OptionsValidationException options => [.. options.Failures.Distinct()],
        // One options class may be checked under more than one name (a typed client's named options); say each mistake once.
        AggregateException all => [.. all.InnerExceptions.SelectMany(Explain).Distinct()],
        // The binder's own message already names the key and the value: "Failed to convert configuration value 'abc' at 'Cache:SuccessTtl' to type 'System.TimeSpan'."
        InvalidOperationException { Message: var message } when message.StartsWith("Failed to convert configuration value", StringComparison.Ordinal) => [message],
        _ => [],
    };
}
