using Latchkey.Core.Features.Import;

namespace Latchkey.Core.Tests;

public class ImportFileReaderTests
{
    [Fact]
    public void CSV_records_keep_the_line_they_start_on_across_CRLF_and_quoted_line_breaks()
    {
        const string Csv = "email,lastName,labels\r\na@example.com,\"two\r\nlines\",x;y\r\nb@example.com,\"say \"\"hi\"\"\",\r\n\r\nc@example.com,,\r\n";

        var rows = ImportFileReader.Read(new StringReader(Csv), ImportFileFormat.Csv).ToList();

        Assert.Equal([2L, 4L, 6L], rows.Select(r => r.Line));
        Assert.Equal("two\r\nlines", rows[0].Record!.Profile!.LastName);
        Assert.Equal(["x", "y"], rows[0].Record!.Profile!.Labels!);
        Assert.Equal("say \"hi\"", rows[1].Record!.Profile!.LastName);
        Assert.Null(rows[2].Record!.Profile!.LastName);
    }

    [Fact]
    public void A_CSV_header_with_an_unknown_column_refuses_the_file()
    {
        var rows = ImportFileReader.Read(new StringReader("email,pasword_hash\na@example.com,x\n"), ImportFileFormat.Csv).ToList();

        var only = Assert.Single(rows);
        Assert.Equal(1, only.Line);
        Assert.Contains("unknown column 'pasword_hash'", only.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void JSON_lines_skip_blank_lines_report_bad_ones_and_skip_parsing_before_a_resume_point()
    {
        const string Jsonl = "{\"email\":\"a@example.com\",\"emailVerified\":true}\n\n{\"email\":\n[1]\n{\"email\":\"d@example.com\"}\n";

        var rows = ImportFileReader.Read(new StringReader(Jsonl), ImportFileFormat.Jsonl).ToList();
        var resumed = ImportFileReader.Read(new StringReader(Jsonl), ImportFileFormat.Jsonl, skipThrough: 3).ToList();

        Assert.Equal([1L, 3L, 4L, 5L], rows.Select(r => r.Line));
        Assert.True(rows[0].Record!.EmailVerified);
        Assert.StartsWith("not valid JSON", rows[1].Problem, StringComparison.Ordinal);
        Assert.StartsWith("not valid JSON", rows[2].Problem, StringComparison.Ordinal);
        Assert.Equal("d@example.com", rows[3].Record!.Email);
        Assert.Equal(4, ImportFileReader.CountRows(new StringReader(Jsonl), ImportFileFormat.Jsonl));
        Assert.All(resumed.Take(2), r => Assert.True(r.Record is null && r.Problem is null));
        Assert.NotNull(resumed[2].Problem);
    }
}
