using System.Globalization;
using System.Text;
using System.Text.Json;
using Latchkey.Core.Members;

namespace Latchkey.Core.Features.Import;

/// <summary>
/// Streams the rows of a JSON Lines or CSV file with their line numbers. A row that cannot be read becomes a problem
/// on its line and reading goes on; nothing here touches the database.
/// </summary>
public static class ImportFileReader
{
    /// <summary>CSV columns and the profile fields they fill ("profile." in front is allowed).</summary>
    private static readonly string[] Columns =
    [
        "email", "passwordHash", "hashFormat", "passwordSalt", "emailVerified", "status", "createdAt",
        "firstName", "lastName", "nickname", "picture", "language", "company", "position", "birthdate", "slug", "vatId",
        "labels", "emails", "phones",
    ];

    /// <summary>
    /// The file's rows. Rows on lines up to <paramref name="skipThrough"/> (a resume) come back without a record or a
    /// problem, and JSON Lines skips parsing them.
    /// </summary>
    public static IEnumerable<ImportRow> Read(TextReader reader, ImportFileFormat format, long skipThrough = 0) =>
        format == ImportFileFormat.Jsonl ? ReadJsonLines(reader, skipThrough) : ReadCsv(reader);

    /// <summary>Rows in the file, for the progress total (a CSV record spanning lines counts once per line).</summary>
    public static long CountRows(TextReader reader, ImportFileFormat format)
    {
        long count = 0;
        while (reader.ReadLine() is { } line)
        {
            if (!string.IsNullOrWhiteSpace(line))
            {
                count++;
            }
        }

        return format == ImportFileFormat.Csv ? Math.Max(0, count - 1) : count;
    }

    private static IEnumerable<ImportRow> ReadJsonLines(TextReader reader, long skipThrough)
    {
        long line = 0;
        while (reader.ReadLine() is { } text)
        {
            line++;
            if (string.IsNullOrWhiteSpace(text))
            {
                continue;
            }

            if (line <= skipThrough)
            {
                yield return new ImportRow(line, null, null);
                continue;
            }

            ImportRecord? record = null;
            string? problem = null;
            try
            {
                record = JsonSerializer.Deserialize<ImportRecord>(text, IdentityProfile.JsonOptions);
                problem = record is null ? "not a JSON object" : null;
            }
            catch (JsonException e)
            {
                problem = $"not valid JSON ({e.Message.Split(" Path:")[0].TrimEnd('.')})";
            }

            yield return new ImportRow(line, record, problem);
        }
    }

    private static IEnumerable<ImportRow> ReadCsv(TextReader reader)
    {
        var csv = new CsvRecords(reader);
        if (csv.Next() is not { } header)
        {
            yield break;
        }

        var names = new string[header.Fields.Count];
        for (var i = 0; i < names.Length; i++)
        {
            var name = header.Fields[i].Trim();
            name = name.StartsWith("profile.", StringComparison.OrdinalIgnoreCase) ? name["profile.".Length..] : name;
            var known = Array.Find(Columns, c => string.Equals(c, name, StringComparison.OrdinalIgnoreCase));
            if (known is null)
            {
                // A misspelt "passwordHash" would otherwise import every member without a password.
                yield return new ImportRow(header.Line, null, $"unknown column '{header.Fields[i]}'; the file was not imported");
                yield break;
            }

            names[i] = known;
        }

        if (!names.Contains("email"))
        {
            yield return new ImportRow(header.Line, null, "the header has no 'email' column; the file was not imported");
            yield break;
        }

        while (csv.Next() is { } record)
        {
            if (record.Fields is [{ Length: 0 }])
            {
                continue;
            }

            if (record.Fields.Count != names.Length)
            {
                yield return new ImportRow(record.Line, null, $"{record.Fields.Count} fields where the header has {names.Length}");
                continue;
            }

            var values = new Dictionary<string, string>(StringComparer.Ordinal);
            for (var i = 0; i < names.Length; i++)
            {
                if (record.Fields[i].Length > 0)
                {
                    values[names[i]] = record.Fields[i];
                }
            }

            yield return ToRecord(record.Line, values);
        }
    }

    private static ImportRow ToRecord(long line, Dictionary<string, string> v)
    {
        bool? verified = null;
        if (v.TryGetValue("emailVerified", out var flag))
        {
            verified = flag.Trim().ToLowerInvariant() switch
            {
                "true" or "1" or "yes" => true,
                "false" or "0" or "no" => false,
                _ => null,
            };
            if (verified is null)
            {
                return new ImportRow(line, null, $"emailVerified '{flag}' is not true or false");
            }
        }

        DateTimeOffset? createdAt = null;
        if (v.TryGetValue("createdAt", out var created))
        {
            if (!DateTimeOffset.TryParse(created, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
            {
                return new ImportRow(line, null, $"createdAt '{created}' is not an ISO 8601 date");
            }

            createdAt = parsed;
        }

        var profile = new IdentityProfile
        {
            FirstName = v.GetValueOrDefault("firstName"),
            LastName = v.GetValueOrDefault("lastName"),
            Nickname = v.GetValueOrDefault("nickname"),
            Picture = v.GetValueOrDefault("picture"),
            Language = v.GetValueOrDefault("language"),
            Company = v.GetValueOrDefault("company"),
            Position = v.GetValueOrDefault("position"),
            Birthdate = v.GetValueOrDefault("birthdate"),
            Slug = v.GetValueOrDefault("slug"),
            VatId = v.GetValueOrDefault("vatId"),
            Labels = List(v, "labels"),
            Emails = List(v, "emails"),
            Phones = List(v, "phones"),
        };

        return new ImportRow(line, new ImportRecord
        {
            Email = v.GetValueOrDefault("email"),
            PasswordHash = v.GetValueOrDefault("passwordHash"),
            HashFormat = v.GetValueOrDefault("hashFormat"),
            PasswordSalt = v.GetValueOrDefault("passwordSalt"),
            EmailVerified = verified,
            Status = v.GetValueOrDefault("status"),
            CreatedAt = createdAt,
            Profile = profile,
        }, null);
    }

    /// <summary>List columns hold their items separated by ';'.</summary>
    private static string[]? List(Dictionary<string, string> values, string column) =>
        values.TryGetValue(column, out var text) ? text.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries) : null;

    private sealed record CsvRecord(long Line, List<string> Fields);

    /// <summary>RFC 4180 records: quoted fields may hold commas, doubled quotes and line breaks.</summary>
    private sealed class CsvRecords(TextReader reader)
    {
        private long _line = 1;

        public CsvRecord? Next()
        {
            if (reader.Peek() < 0)
            {
                return null;
            }

            var record = new CsvRecord(_line, []);
            var field = new StringBuilder();
            var quoted = false;
            while (true)
            {
                var c = reader.Read();
                if (c < 0)
                {
                    record.Fields.Add(field.ToString());
                    return record;
                }

                if (quoted)
                {
                    if (c == '"' && reader.Peek() == '"')
                    {
                        reader.Read();
                        field.Append('"');
                    }
                    else if (c == '"')
                    {
                        quoted = false;
                    }
                    else
                    {
                        _line += c == '\n' ? 1 : 0;
                        field.Append((char)c);
                    }

                    continue;
                }

                switch (c)
                {
                    case '"' when field.Length == 0:
                        quoted = true;
                        break;
                    case ',':
                        record.Fields.Add(field.ToString());
                        field.Clear();
                        break;
                    case '\r' when reader.Peek() == '\n':
                        break;
                    case '\n':
                        _line++;
                        record.Fields.Add(field.ToString());
                        return record;
                    default:
                        field.Append((char)c);
                        break;
                }
            }
        }
    }
}
