using System.Globalization;
using System.Text.Json;
using Latchkey.Core.Errors;

namespace Latchkey.Core.SocialSignIn;

/// <summary>
/// Each provider's answer mapped to an <see cref="ExternalIdentity"/>, by the rules that provider documents
/// (docs/flows/social-sign-in.md#what-each-provider-asserts). Where a provider does not assert that an email is
/// verified, it is not: linking to an existing member then needs the member to prove the account.
/// </summary>
public static class ProviderProfiles
{
    /// <summary>Google's ID token: <c>sub</c>, and <c>email_verified</c> for the email.</summary>
    public static Result<ExternalIdentity> Google(JsonElement idToken) => OpenIdConnect(idToken);

    /// <summary>
    /// Apple's ID token (<c>sub</c>, <c>email</c>, <c>email_verified</c>, a private relay address being verified too) and
    /// the <c>user</c> form field Apple posts with the first authorization only: <c>{"name":{"firstName","lastName"}}</c>.
    /// </summary>
    public static Result<ExternalIdentity> Apple(JsonElement idToken, string? firstAuthorizationUser)
    {
        var mapped = OpenIdConnect(idToken);
        if (mapped.IsFailure)
        {
            return mapped.Error;
        }

        var identity = mapped.Value with { FirstName = null, LastName = null, Nickname = null, NameOnlyOnce = true };
        if (firstAuthorizationUser is { Length: > 0 } && TryParse(firstAuthorizationUser) is { } user &&
            user.ValueKind == JsonValueKind.Object && user.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.Object)
        {
            identity = identity with { FirstName = Name(name, "firstName"), LastName = Name(name, "lastName") };
        }

        return identity;
    }

    /// <summary>
    /// Microsoft Entra ID's v2 ID token. The member is keyed on the tenant and object id (<c>tid</c>, <c>oid</c>): the same
    /// for every app of the tenant, unlike <c>sub</c>. Its <c>email</c> claim is whatever the tenant's admin typed, so it
    /// counts as verified only with <c>xms_edov</c> (the email's domain is verified by the tenant) set to true.
    /// </summary>
    public static Result<ExternalIdentity> Microsoft(JsonElement idToken)
    {
        if (Text(idToken, "tid") is not { } tenant || Text(idToken, "oid") is not { } objectId)
        {
            return LatchkeyErrors.IdentityProviderFailed.WithDetail("Microsoft's identity token has no tid and oid.");
        }

        return new ExternalIdentity($"{tenant}:{objectId}", Text(idToken, "email"), IsTrue(idToken, "xms_edov"))
        {
            FirstName = Name(idToken, "given_name"),
            LastName = Name(idToken, "family_name"),
            Nickname = Name(idToken, "name"),
        };
    }

    /// <summary>
    /// GitHub's <c>/user</c> (numeric <c>id</c>, <c>login</c>, <c>name</c>, a public <c>email</c> that may be null and is
    /// never proven) and <c>/user/emails</c>: the email is the primary address GitHub marks verified.
    /// </summary>
    public static Result<ExternalIdentity> GitHub(JsonElement user, JsonElement emails)
    {
        if (!user.TryGetProperty("id", out var id) || id.ValueKind != JsonValueKind.Number || !id.TryGetInt64(out var number))
        {
            return LatchkeyErrors.IdentityProviderFailed.WithDetail("GitHub's user has no id.");
        }

        string? verified = null;
        if (emails.ValueKind == JsonValueKind.Array)
        {
            foreach (var email in emails.EnumerateArray())
            {
                if (email.ValueKind == JsonValueKind.Object && IsTrue(email, "primary") && IsTrue(email, "verified") && Text(email, "email") is { } address)
                {
                    verified = address;
                    break;
                }
            }
        }

        return new ExternalIdentity(number.ToString(CultureInfo.InvariantCulture), verified ?? Text(user, "email"), verified is not null)
        {
            Nickname = Name(user, "name") ?? Name(user, "login"),
        };
    }

    /// <summary>
    /// Facebook's Graph <c>/me?fields=id,email,first_name,last_name,name</c>. Facebook asserts no verification of the email,
    /// so it is never verified here.
    /// </summary>
    public static Result<ExternalIdentity> Facebook(JsonElement me) =>
        Text(me, "id") is { } id
            ? new ExternalIdentity(id, Text(me, "email"), EmailVerified: false)
            {
                FirstName = Name(me, "first_name"),
                LastName = Name(me, "last_name"),
                Nickname = Name(me, "name"),
            }
            : LatchkeyErrors.IdentityProviderFailed.WithDetail("Facebook's user has no id.");

    /// <summary>Any OpenID Connect provider: <c>sub</c>, and the email verified only with <c>email_verified</c> true.</summary>
    public static Result<ExternalIdentity> OpenIdConnect(JsonElement claims) =>
        Text(claims, "sub") is { } subject
            ? new ExternalIdentity(subject, Text(claims, "email"), IsTrue(claims, "email_verified"))
            {
                FirstName = Name(claims, "given_name"),
                LastName = Name(claims, "family_name"),
                Nickname = Name(claims, "name") ?? Name(claims, "preferred_username"),
            }
            : LatchkeyErrors.IdentityProviderFailed.WithDetail("The identity token has no subject.");

    /// <summary>A name for the profile: a string claim as <see cref="Text"/> reads it, dropped when it holds control characters or is
    /// longer than the profile allows (<see cref="Members.ProfileRules"/>). Apple's is posted by the browser, unsigned.</summary>
    private static string? Name(JsonElement claims, string name) =>
        Text(claims, name) is { Length: <= MaxName } text && !text.Any(char.IsControl) ? text : null;

    private const int MaxName = 1000;

    /// <summary>A non-empty string claim, trimmed; null for anything else.</summary>
    private static string? Text(JsonElement claims, string name) =>
        claims.ValueKind == JsonValueKind.Object && claims.TryGetProperty(name, out var value) &&
        value.ValueKind == JsonValueKind.String && value.GetString()!.Trim() is { Length: > 0 } text
            ? text
            : null;

    /// <summary>A boolean claim, as JSON true or the string "true" (Apple and Google's token info send strings).</summary>
    private static bool IsTrue(JsonElement claims, string name) =>
        claims.ValueKind == JsonValueKind.Object && claims.TryGetProperty(name, out var value) &&
        (value.ValueKind == JsonValueKind.True ||
         (value.ValueKind == JsonValueKind.String && string.Equals(value.GetString(), "true", StringComparison.OrdinalIgnoreCase)));

    private static JsonElement? TryParse(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
