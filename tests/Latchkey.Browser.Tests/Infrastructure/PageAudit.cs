using System.Text.Json;
using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace Latchkey.Browser.Tests.Infrastructure;

/// <summary>
/// The basic accessibility checks every hosted page must pass, read from the rendered DOM and computed styles:
/// a non-empty title, exactly one h1, a label for every input a person fills in (a <c>label for</c>, or
/// <c>aria-label</c>/<c>aria-labelledby</c>), every <c>aria-describedby</c> pointing at an element that exists, and
/// at least 4.5:1 contrast (WCAG AA) between the primary button's text and its background; then axe-core's WCAG 2.1
/// A and AA rules.
/// </summary>
public static class PageAudit
{
    private const string Script = """
        () => {
          const problems = [];
          if (!document.title.trim()) problems.push('the page has no title');
          const h1 = document.querySelectorAll('h1').length;
          if (h1 !== 1) problems.push(`the page has ${h1} h1 elements`);
          if (!document.documentElement.lang) problems.push('html has no lang');
          for (const input of document.querySelectorAll('input, select, textarea')) {
            if (input.type === 'hidden') continue;
            const labelled = (input.id && document.querySelector(`label[for="${CSS.escape(input.id)}"]`)) || input.closest('label') ||
              input.getAttribute('aria-label') || input.getAttribute('aria-labelledby');
            if (!labelled) problems.push(`input ${input.name || input.id || input.type} has no label`);
            for (const id of (input.getAttribute('aria-describedby') || '').split(/\s+/).filter(Boolean)) {
              if (!document.getElementById(id)) problems.push(`input ${input.name} is described by missing #${id}`);
            }
          }
          const rgb = s => s.match(/\d+(\.\d+)?/g).slice(0, 3).map(Number);
          const lum = c => { const [r, g, b] = c.map(v => { v /= 255; return v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); }); return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
          const contrasts = [];
          for (const button of document.querySelectorAll('.lk-primary')) {
            const style = getComputedStyle(button);
            const [a, b] = [lum(rgb(style.color)), lum(rgb(style.backgroundColor))];
            const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
            contrasts.push(ratio);
            if (ratio < 4.5) problems.push(`the primary button's contrast is ${ratio.toFixed(2)}:1`);
          }
          return { problems, contrasts };
        }
        """;

    public static async Task AssertAccessibleAsync(IPage page)
    {
        var result = await page.EvaluateAsync<JsonElement>(Script);
        var problems = result.GetProperty("problems").EnumerateArray().Select(p => p.GetString()).ToList();
        Assert.True(problems.Count == 0, $"{page.Url}: {string.Join("; ", problems)}");

        // axe-core's WCAG 2.x A and AA rules on top (Deque's engine, evaluated through Playwright, not a page script).
        var axe = await page.RunAxe(new AxeRunOptions { RunOnly = new RunOnlyOptions { Type = "tag", Values = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } });
        Assert.True(axe.Violations.Length == 0, $"{page.Url}: " + string.Join("; ", axe.Violations.Select(v =>
            $"{v.Id} ({v.Impact}): {v.Help} at {string.Join(", ", v.Nodes.Select(n => string.Join(" ", n.Target)))}")));
    }

    /// <summary>The contrast ratios of the primary buttons on the page (for tests that check a brand colour).</summary>
    public static async Task<IReadOnlyList<double>> PrimaryContrastsAsync(IPage page) =>
        [.. (await page.EvaluateAsync<JsonElement>(Script)).GetProperty("contrasts").EnumerateArray().Select(c => c.GetDouble())];
}
