using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Antiforgery;

namespace Latchkey.Server.HostedPages;
/// <summary>
/// The markup every hosted form shares. Accessibility rules live here once: each input has a <c>label for</c>; an
/// error sits under its input, is named by <c>aria-describedby</c>, marks the input <c>aria-invalid</c> and is a
/// <c>role="alert"</c>, as a form-level error is; the first input in error (or the first input) gets the focus.
/// </summary>
public static class PageHtml
{
    private static readonly HtmlEncoder E = HtmlEncoder.Default;

    public static string Encode(string value) => E.Encode(value);

    /// <summary>Matches what the tests read back: <c>&lt;input type="hidden" name="…" value="…"&gt;</c>.</summary>
    public static string Hidden(string name, string value) => $"""<input type="hidden" name="{E.Encode(name)}" value="{E.Encode(value)}">""";

    public static string Antiforgery(AntiforgeryTokenSet tokens) => Hidden(tokens.FormFieldName, tokens.RequestToken!);

    public static string Heading(string text) => $"<h1>{E.Encode(text)}</h1>";

    public static string Paragraph(string text, string? id = null) =>
        id is null ? $"<p>{E.Encode(text)}</p>" : $"""<p id="{id}">{E.Encode(text)}</p>""";

    public static string Alert(string? message) =>
        message is null ? "" : $"""<div class="lk-alert" role="alert" id="form-error">{E.Encode(message)}</div>""";

    public static string Notice(string? message) =>
        message is null ? "" : $"""<div class="lk-notice" role="status">{E.Encode(message)}</div>""";

    public static string Button(string text, string? name = null, string kind = "primary") =>
        $"""<button type="submit" class="lk-button lk-{kind}"{(name is null ? "" : $" name=\"{name}\" value=\"1\"")}>{E.Encode(text)}</button>""";

    public static string Link(string href, string text) => $"""<a href="{E.Encode(href)}">{E.Encode(text)}</a>""";

    public static string Fields(IReadOnlyList<FormField> fields, bool focusFirst = true)
    {
        var focus = fields.FirstOrDefault(f => f.Error is not null) ?? (focusFirst && fields.Count > 0 ? fields[0] : null);
        var html = new StringBuilder();
        foreach (var field in fields)
        {
            var id = field.Name;
            var described = new List<string>();
            if (field.Hint is not null)
            {
                described.Add(id + "-hint");
            }

            if (field.Error is not null)
            {
                described.Add(id + "-error");
            }

            html.Append("""<div class="lk-field">""")
                .Append($"""<label for="{id}">{E.Encode(field.Label)}</label>""");
            if (field.Hint is not null)
            {
                html.Append($"""<p class="lk-hint" id="{id}-hint">{E.Encode(field.Hint)}</p>""");
            }

            html.Append($"""<input id="{id}" name="{field.Name}" type="{field.Type}" """)
                .Append(field.Autocomplete is null ? "" : $"""autocomplete="{field.Autocomplete}" """)
                .Append(field.InputMode is null ? "" : $"""inputmode="{field.InputMode}" """)
                .Append(field.MinLength is null ? "" : $"""minlength="{field.MinLength}" """)
                .Append(field.Value is null ? "" : $"""value="{E.Encode(field.Value)}" """)
                .Append(field.Required ? "required " : "")
                .Append(described.Count > 0 ? $"""aria-describedby="{string.Join(' ', described)}" """ : "")
                .Append(field.Error is null ? "" : """aria-invalid="true" """)
                .Append(ReferenceEquals(field, focus) ? "autofocus" : "")
                .Append('>');
            if (field.Error is not null)
            {
                // Announced (role="alert") as well as tied to the input: a screen reader says it whether or not the
                // focus lands on the field.
                html.Append($"""<p class="lk-field-error" id="{id}-error" role="alert">{E.Encode(field.Error)}</p>""");
            }

            html.Append("</div>");
        }

        return html.ToString();
    }
}
