using System.Text.RegularExpressions;

namespace Latchkey.Core.Tests;

/// <summary>
/// The folders of src/Latchkey.Server depend on each other in one direction (docs/architecture.md): a cycle means a
/// folder cannot be read, moved or tested without the others. Read from the sources, as scripts/folder-deps.py does.
/// </summary>
public partial class ServerFolderTests
{
    [GeneratedRegex(@"\bLatchkey\.Server\.([A-Z][A-Za-z]+)\b")]
    private static partial Regex FolderReference();

    [Fact]
    public void No_folder_of_the_server_depends_on_itself_through_others()
    {
        var root = RepoPaths.Of("src", "Latchkey.Server");
        var folders = Directory.GetDirectories(root).Select(Path.GetFileName).Where(f => f is not ("bin" or "obj")).ToHashSet(StringComparer.Ordinal);
        var edges = folders.ToDictionary(f => f!, f => Directory.EnumerateFiles(Path.Combine(root, f!), "*.cs", SearchOption.AllDirectories)
            .SelectMany(file => FolderReference().Matches(File.ReadAllText(file)).Select(m => m.Groups[1].Value))
            .Where(target => target != f && folders.Contains(target)).ToHashSet(StringComparer.Ordinal), StringComparer.Ordinal);

        var cycles = edges.Keys.Select(start => PathBack(edges, start)).OfType<string>().ToList();

        Assert.True(cycles.Count == 0, "Folder cycles: " + string.Join("; ", cycles));
    }

    /// <summary>A path from <paramref name="start"/> back to itself, or null (depth-first).</summary>
    private static string? PathBack(Dictionary<string, HashSet<string>> edges, string start)
    {
        var stack = new Stack<List<string>>([[start]]);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (stack.TryPop(out var path))
        {
            foreach (var next in edges[path[^1]])
            {
                if (next == start)
                {
                    return string.Join(" -> ", path.Append(start));
                }

                if (seen.Add(next))
                {
                    stack.Push([.. path, next]);
                }
            }
        }

        return null;
    }
}
