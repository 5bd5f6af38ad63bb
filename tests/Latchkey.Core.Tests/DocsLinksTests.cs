using System.Text.RegularExpressions;

namespace Latchkey.Core.Tests;

/// <summary>
/// The repository stands alone (issue #23): docs and comments point only at files inside it, and every
/// <c>docs/…md#anchor</c> names a heading that exists (docs/conventions.md#build-and-comments).
/// </summary>
public partial class DocsLinksTests
{
    private static readonly string[] TextExtensions =
        [".cs", ".md", ".mjs", ".js", ".ts", ".sh", ".py", ".json", ".csproj", ".props", ".yml", ".yaml", ".html"];

    private static readonly string[] SkippedFolders = ["bin", "obj", "node_modules", ".git", "artifacts", "TestResults", "Migrations"];

    [Fact]
    public void Every_docs_path_with_an_anchor_names_an_existing_heading()
    {
        var broken = new List<string>();
        foreach (var file in TextFiles())
        {
            foreach (Match m in DocsAnchorReference().Matches(File.ReadAllText(file)))
            {
                var target = Path.Combine(RepoPaths.Root, m.Groups["path"].Value);
                if (!File.Exists(target) || !Anchors(target).Contains(m.Groups["anchor"].Value))
                {
                    broken.Add($"{Relative(file)}: {m.Value}");
                }
            }
        }

        Assert.True(broken.Count == 0, "Broken docs references:\n" + string.Join('\n', broken));
    }

    [Fact]
    public void Every_relative_Markdown_link_reaches_its_file_and_heading()
    {
        var broken = new List<string>();
        foreach (var file in TextFiles().Where(f => f.EndsWith(".md", StringComparison.Ordinal)))
        {
            var text = FencedCode().Replace(File.ReadAllText(file), "");
            foreach (Match m in MarkdownLink().Matches(text))
            {
                var link = m.Groups["target"].Value;
                if (UriScheme().IsMatch(link))
                {
                    continue;
                }

                var hash = link.IndexOf('#', StringComparison.Ordinal);
                var path = hash < 0 ? link : link[..hash];
                var target = path.Length == 0 ? file : Path.GetFullPath(Path.Combine(Path.GetDirectoryName(file)!, Uri.UnescapeDataString(path)));
                var exists = File.Exists(target) || Directory.Exists(target);
                var anchorOk = hash < 0 || !target.EndsWith(".md", StringComparison.Ordinal)
                    || (File.Exists(target) && Anchors(target).Contains(link[(hash + 1)..]));
                if (!exists || !anchorOk)
                {
                    broken.Add($"{Relative(file)}: {link}");
                }
            }
        }

        Assert.True(broken.Count == 0, "Broken Markdown links:\n" + string.Join('\n', broken));
    }

    [Fact]
    public void Nothing_cites_the_former_notes_outside_the_repository()
    {
        // docs/wire/section-map.tsv and its description translate the old citations; that is their purpose.
        string[] allowed = ["docs/wire/section-map.tsv", "docs/wire/README.md"];
        var found = TextFiles()
            .Where(f => !allowed.Contains(Relative(f)))
            .SelectMany(f => File.ReadLines(f).Select((line, i) => (File: f, Line: i + 1, Text: line)))
            .Where(l => FormerNote().IsMatch(l.Text))
            .Select(l => $"{Relative(l.File)}:{l.Line}: {l.Text.Trim()}")
            .ToList();

        Assert.True(found.Count == 0, "Cite a docs/ heading instead (docs/wire/section-map.tsv):\n" + string.Join('\n', found));
    }

    [Theory]
    [InlineData("Login V2", "login-v2")]
    [InlineData("OAuth 2 endpoints", "oauth-2-endpoints")]
    [InlineData("Login ÷ raw Argon2id, measured in pairs", "login--raw-argon2id-measured-in-pairs")]
    [InlineData("`Latchkey:Hashing` (`HashingOptions`)", "latchkeyhashing-hashingoptions")]
    [InlineData("Sign-on policy and [member](x.md) approval", "sign-on-policy-and-member-approval")]
    public void Anchors_are_GitHub_slugs(string heading, string anchor) => Assert.Equal(anchor, Slug(heading));

    /// <summary>The anchors GitHub gives the headings of a Markdown file, duplicates numbered as it does.</summary>
    internal static HashSet<string> Anchors(string markdownFile)
    {
        var anchors = new HashSet<string>(StringComparer.Ordinal);
        var inFence = false;
        foreach (var line in File.ReadLines(markdownFile))
        {
            if (line.TrimStart().StartsWith("```", StringComparison.Ordinal) || line.TrimStart().StartsWith("~~~", StringComparison.Ordinal))
            {
                inFence = !inFence;
                continue;
            }

            if (inFence || AtxHeading().Match(line) is not { Success: true } m)
            {
                continue;
            }

            var slug = Slug(m.Groups["text"].Value);
            var unique = slug;
            for (var n = 1; !anchors.Add(unique); n++)
            {
                unique = $"{slug}-{n}";
            }
        }

        return anchors;
    }

    /// <summary>GitHub's heading anchor: the rendered text in lower case, punctuation dropped, spaces as hyphens.</summary>
    internal static string Slug(string heading)
    {
        var text = InlineLink().Replace(heading.Trim(), "${text}").Replace("`", "", StringComparison.Ordinal);
        return NotSlugCharacter().Replace(text.ToLowerInvariant(), "").Replace(' ', '-');
    }

    private static IEnumerable<string> TextFiles()
    {
        var folders = new Stack<string>([RepoPaths.Root]);
        while (folders.TryPop(out var folder))
        {
            foreach (var sub in Directory.EnumerateDirectories(folder))
            {
                if (!SkippedFolders.Contains(Path.GetFileName(sub), StringComparer.Ordinal))
                {
                    folders.Push(sub);
                }
            }

            foreach (var file in Directory.EnumerateFiles(folder))
            {
                if (TextExtensions.Contains(Path.GetExtension(file), StringComparer.Ordinal))
                {
                    yield return file;
                }
            }
        }
    }

    private static string Relative(string file) => Path.GetRelativePath(RepoPaths.Root, file).Replace('\\', '/');

    [GeneratedRegex(@"(?<![\w./-])(?<path>docs/[\w./-]+\.md)#(?<anchor>[\w-]+)")]
    private static partial Regex DocsAnchorReference();

    [GeneratedRegex(@"\]\((?<target>[^)\s]+)\)")]
    private static partial Regex MarkdownLink();

    [GeneratedRegex(@"^```.*?^```", RegexOptions.Singleline | RegexOptions.Multiline)]
    private static partial Regex FencedCode();

    [GeneratedRegex(@"^[a-zA-Z][a-zA-Z0-9+.-]*:")]
    private static partial Regex UriScheme();

    [GeneratedRegex(@"\b(contract|decisions?|style) §\d|latchkey-decisions\.md|wix-wire-contract\.md|\.\./shared/|\bspec/latchkey", RegexOptions.IgnoreCase)]
    private static partial Regex FormerNote();

    [GeneratedRegex(@"^#{1,6}\s+(?<text>.*?)\s*#*\s*$")]
    private static partial Regex AtxHeading();

    [GeneratedRegex(@"\[(?<text>[^\]]*)\]\([^)]*\)")]
    private static partial Regex InlineLink();

    [GeneratedRegex(@"[^\w\- ]")]
    private static partial Regex NotSlugCharacter();
}
