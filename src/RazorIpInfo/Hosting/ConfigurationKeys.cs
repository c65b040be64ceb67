using System.ComponentModel.DataAnnotations;
using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using Microsoft.Extensions.Options;

namespace RazorIpInfo.Hosting;

/// <summary>
/// Options checked against their data annotations with each failure naming the key an operator sets:
/// "The field Cache:LocalSizeLimitBytes must be between 1048576 and 1073741824." The framework's
/// <c>ValidateDataAnnotations</c> and the <c>[OptionsValidator]</c> generator both name the class's
/// property (<c>LookupCacheOptions.LocalSizeLimitBytes</c>), which appears nowhere in the configuration.
/// </summary>
public static class ConfigurationKeys
{
    /// <summary>Options bound from <paramref name="section"/> and checked at start-up, each failure naming its key.</summary>
    public static OptionsBuilder<TOptions> AddSectionOptions<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicProperties)] TOptions>(
        this IServiceCollection services, string section)
        where TOptions : class =>
        services.AddOptions<TOptions>().BindConfiguration(section).ValidateKeys(section).ValidateOnStart();

    public static OptionsBuilder<TOptions> ValidateKeys<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicProperties)] TOptions>(
        this OptionsBuilder<TOptions> options, string section)
        where TOptions : class
    {
        options.Services.AddSingleton<IValidateOptions<TOptions>>(new KeyedAnnotations<TOptions>(options.Name, section));
        return options;
    }

    private sealed class KeyedAnnotations<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicProperties)] TOptions>(string? optionsName, string section)
        : IValidateOptions<TOptions>
        where TOptions : class
    {
        public ValidateOptionsResult Validate(string? name, TOptions options)
        {
            if (optionsName is not null && optionsName != name)
            {
                return ValidateOptionsResult.Skip;
            }

            var failures = new List<string>();
            foreach (var property in typeof(TOptions).GetProperties(BindingFlags.Public | BindingFlags.Instance))
            {
                if (property.GetIndexParameters().Length > 0 || !property.IsDefined(typeof(ValidationAttribute), inherit: true))
                {
                    continue;
                }

                var key = $"{section}:{property.Name}";
                var context = new ValidationContext(options) { MemberName = property.Name, DisplayName = key };
                var results = new List<ValidationResult>();
                if (!Validator.TryValidateProperty(property.GetValue(options), context, results))
                {
                    failures.AddRange(results.Select(result => result.ErrorMessage ?? $"{key} is not valid."));
                }
            }

            // Rules across settings; their sentences name their keys already ("ForwardedHeaders:KnownProxies contains …").
            if (failures.Count == 0 && options is IValidatableObject whole)
            {
                failures.AddRange(whole.Validate(new ValidationContext(options)).Select(result => result.ErrorMessage ?? $"{section} is not valid."));
            }

            return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
        }
    }
}

/// <summary>An absolute http or https URL, such as <c>https://pro.ip-api.com</c>; empty means the default.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class HttpUrlAttribute() : ValidationAttribute("{0} must be an absolute http(s) URL, such as https://example.com.")
{
    public override bool IsValid(object? value) => value is not string text || text.Length == 0 || IsHttpUrl(text);

    public static bool IsHttpUrl(string text) =>
        Uri.TryCreate(text, UriKind.Absolute, out var url) && (url.Scheme == Uri.UriSchemeHttp || url.Scheme == Uri.UriSchemeHttps) && url.Host.Length > 0;
}
