using System.Globalization;
using System.Resources;
using Latchkey.Core.Errors;

namespace Latchkey.Server.HostedPages;

/// <summary>
/// The hosted pages' words in the site's language (<c>Strings.resx</c>, English, and one satellite per further
/// language, e.g. <c>Strings.de.resx</c>). Errors are looked up by their catalog code, so the wording of
/// <see cref="LatchkeyErrors"/> stays the API's and the page shows a translated sentence for the same code.
/// </summary>
public sealed class PageText
{
    private static readonly ResourceManager Resources = new("Latchkey.Server.HostedPages.Strings", typeof(PageText).Assembly);

    private PageText(CultureInfo culture) => Culture = culture;

    public CultureInfo Culture { get; }

    /// <summary>The <c>lang</c> attribute of the page.</summary>
    public string Language => Culture.TwoLetterISOLanguageName;

    public static PageText For(string language) => new(CultureInfo.GetCultureInfo(language));

    public string this[string key] => Resources.GetString(key, Culture) ?? throw new InvalidOperationException($"No hosted-page text '{key}'.");

    public string Format(string key, params object[] args) => string.Format(Culture, this[key], args);

    /// <summary>The sentence for a catalog error; an unlisted code gets the generic one (its English title is for APIs).</summary>
    public string Error(LatchkeyError error) => Resources.GetString("error." + error.Code, Culture) ?? this["error.generic"];

    /// <summary>The sentence for one field violation: by field, then by rule for passwords.</summary>
    public string Violation(FieldViolation violation, int minLength, int maxLength) => Field(violation.Field) switch
    {
        "email" => this["violation.email"],
        "code" => this["violation.code"],
        "password" => Resources.GetString("violation.password." + violation.ViolatedRule, Culture) is { } text
            ? string.Format(Culture, text, violation.ViolatedRule == "MAX_LENGTH" ? maxLength : minLength)
            : violation.Description,
        _ => violation.Description,
    };

    /// <summary>The form field a violation is about: <c>loginId.email</c> is the <c>email</c> input.</summary>
    public static string Field(string path) => path[(path.LastIndexOf('.') + 1)..];
}
