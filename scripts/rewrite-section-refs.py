#!/usr/bin/env python3
"""Rewrites citations of the former working notes into paths inside the repository (issue #23).

Docs and comments once cited two notes kept outside the repository ("contract §2.3", "decisions §3") and a house
style guide ("style §8"). docs/wire/section-map.tsv maps each such section to a heading in docs/. This script
replaces every citation in tracked text files with that heading: `docs/wire/conventions.md#json` in code comments,
a relative Markdown link in .md files. A comment line that grows past 120 characters is rewrapped with the rest of
its comment block; a Markdown paragraph likewise.

    python3 scripts/rewrite-section-refs.py          # rewrite in place, print each file it changed
    python3 scripts/rewrite-section-refs.py --check  # change nothing; exit 1 and list citations that remain

docs/api/openapi.json is not touched: it is generated from the C# doc comments (docs/api/README.md).
"""

import os
import pathlib
import re
import subprocess
import sys

ROOT = pathlib.Path(subprocess.check_output(["git", "rev-parse", "--show-toplevel"], text=True).strip())
EXTENSIONS = {".cs", ".md", ".ts", ".js", ".mjs", ".sh", ".py", ".resx", ".props", ".csproj"}
SKIP = ("docs/wire/README.md", "docs/wire/section-map.tsv", "docs/architecture.md", "scripts/rewrite-section-refs.py")
WIDTH = 120

DOC = r"(?P<doc>\bwire contract|\b[Cc]ontract|\b[Dd]ecisions?|`?(?:spec/)?latchkey-decisions\.md`?|\b[Ss]tyle)"
SEC = r"§\d+(?:\.\d+)*"
CITATION = re.compile(DOC + r" (?P<secs>" + SEC + r"(?:(?:, |–| and |/)" + SEC + r")*)")


# Where the section is wider than the sentence citing it, a narrower heading of the same page (or of the page
# the section was rewritten into) fits better: (file, citation) → target.
T, P, A = "docs/tokens.md", "docs/policies.md", "docs/abuse-protection.md"
NARROWER = {
    **{(f, "decisions §3"): T + "#the-tokens" for f in (
        "src/Latchkey.Core/Tokens/SessionToken.cs", "src/Latchkey.Core/Features/Verification/VerificationCodes.cs",
        "src/Latchkey.Core/Flows/Flow.cs", "src/Latchkey.Core/Sessions/MemberSession.cs",
        "src/Latchkey.Core/Features/OutcomeIssuer.cs", "src/Latchkey.Core/Messaging/IEmailOutbox.cs",
        "src/Latchkey.Server/OAuth/LatchkeyClaims.cs", "src/Latchkey.Server/OAuth/MemberPrincipal.cs",
        "src/Latchkey.Server/OAuth/OpenIddictSetup.cs", "src/Latchkey.Server/OAuth/ExpiredTokenCleanup.cs",
        "src/Latchkey.Server/OAuth/UnstoredAccessTokens.cs", "tests/conformance/wix-sdk.test.mjs",
        "tests/conformance/helpers.mjs", "docs/security.md", "docs/errors/resend_limit_reached.md",
        "docs/errors/flow_expired.md", "docs/errors/verification_attempts_exceeded.md",
        "docs/decisions/0004-flow-carries-state-token.md", "docs/decisions/0015-signing-keys-outlive-refresh-tokens.md",
        "docs/decisions/0016-refresh-writes-nothing-it-can-skip.md", "docs/flows/verification.md",
        "docs/flows/recovery.md", "docs/flows/oauth-authorization-code.md", "docs/decisions/0006-member-sessions.md")},
    **{(f, "decisions §3"): T + "#refresh-policy-per-client" for f in (
        "src/Latchkey.Core/Clients/ClientKind.cs", "src/Latchkey.Server/OAuth/RefreshPolicy.cs",
        "tests/conformance/openid-client.test.mjs", "docs/decisions/0008-refresh-policy-per-client.md")},
    **{(f, "decisions §3"): T + "#visitors" for f in (
        "src/Latchkey.Server/OAuth/AnonymousGrant.cs", "docs/decisions/0003-stateless-visitor-tokens.md")},
    ("docs/decisions/0009-signing-key-rotation.md", "decisions §3"): T + "#signing-keys",
    **{(f, "decisions §6"): P + "#passwords" for f in (
        "src/Latchkey.Core/Passwords/PasswordPolicy.cs", "src/Latchkey.Core/Passwords/IBreachedPasswords.cs",
        "src/Latchkey.Server/Endpoints/AdminPolicyEndpoints.cs")},
    **{(f, "decisions §6"): P + "#captcha" for f in (
        "src/Latchkey.Core/AbuseProtection/CaptchaPolicy.cs", "src/Latchkey.Core/Sites/Site.cs")},
    **{(f, "decisions §6"): P + "#throttling" for f in (
        "src/Latchkey.Core/AbuseProtection/ThrottleOptions.cs", "docs/decisions/0005-unknown-email-401.md",
        "docs/errors/rate_limited.md")},
    **{(f, "decisions §6"): A + "#the-guard" for f in (
        "src/Latchkey.Core/AbuseProtection/AbuseGuard.cs", "src/Latchkey.Core/AbuseProtection/GuardedAction.cs",
        "src/Latchkey.Core/Errors/LatchkeyErrors.cs")},
    **{(f, "decisions §5"): A + "#enumeration" for f in (
        "src/Latchkey.Core/Sites/Site.cs", "src/Latchkey.Core/Flows/FlowKind.cs",
        "src/Latchkey.Core/Features/Registration/DecoyRegistration.cs",
        "src/Latchkey.Server/Endpoints/AdminPolicyEndpoints.cs")},
    **{(f, "decisions §2"): "docs/wire/conventions.md#errors" for f in (
        "src/Latchkey.Server/Http/ApiDocs.cs", "src/Latchkey.Server/Http/WixErrors.cs",
        "src/Latchkey.Server/Http/WixErrorBody.cs", "src/Latchkey.Server/Http/Problems.cs",
        "tests/Latchkey.Server.Tests/Fuzzing/FuzzTests.cs", "tests/Latchkey.Server.Tests/Fuzzing/PublicRoutes.cs",
        "docs/reliability.md")},
    ("src/Latchkey.Server/Http/Caller.cs", "decisions §2"): "docs/wire/conventions.md#request-headers",
    ("src/Latchkey.Server/Http/WixRoutes.cs", "decisions §2"): "docs/wire/conventions.md#hosts-and-paths",
    ("src/Latchkey.Server/Wire/WixJson.cs", "decisions §2"): "docs/wire/conventions.md#json",
    **{(f, "decisions §4"): "docs/wire/oauth.md#authorize-rules" for f in (
        "src/Latchkey.Server/Endpoints/AuthorizeEndpoints.cs", "src/Latchkey.Server/OAuth/WebMessageResponseMode.cs",
        "src/Latchkey.Server/OAuth/AuthorizationErrorPage.cs",
        "src/Latchkey.Server/OAuth/CamelCaseAuthorizationRequestExtractor.cs", "tests/conformance/openid-client.test.mjs",
        "tests/conformance/wix-sdk.test.mjs")},
    **{(f, "decisions §4"): "docs/wire/oauth.md#session-cookie" for f in (
        "src/Latchkey.Server/Http/SessionCookie.cs", "src/Latchkey.Server/Endpoints/SessionCookieEndpoints.cs")},
    **{(f, "decisions §4"): "docs/wire/oauth.md#logout" for f in (
        "src/Latchkey.Core/Features/Logout/LogoutRedirect.cs", "src/Latchkey.Server/Endpoints/LogoutEndpoints.cs",
        "docs/flows/logout.md")},
    **{(f, "decisions §1"): "docs/sites.md#bootstrap" for f in (
        "src/Latchkey.Server/Hosting/Bootstrapper.cs", "src/Latchkey.Server/Hosting/LatchkeyOptions.cs",
        "tests/conformance/helpers.mjs")},
    **{(f, "decisions §1"): "docs/sites.md#one-server-many-sites" for f in (
        "src/Latchkey.Core/Sites/Site.cs", "src/Latchkey.Core/Sites/SiteEmailSettings.cs", "docs/configuration.md")},
}


def load_map():
    mapping = {}
    for line in (ROOT / "docs/wire/section-map.tsv").read_text(encoding="utf-8").splitlines():
        if line.strip():
            key, target = line.split("\t")
            mapping[key] = target
    return mapping


def slug(heading):
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"[`*_]|\[([^\]]*)\]\([^)]*\)", lambda m: m.group(1) or "", heading.strip()).lower()
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


def headings(path):
    """Anchor → heading text of one Markdown file."""
    result = {}
    in_fence = False
    for line in (ROOT / path).read_text(encoding="utf-8").splitlines():
        if line.startswith("```"):
            in_fence = not in_fence
        elif not in_fence and (m := re.match(r"#{1,6} +(.*?) *#*$", line)):
            result[slug(m.group(1))] = m.group(1)
    return result


KEEP_CASE = re.compile(r"^([A-Z]{2,}|OAuth|Login V2|Register V2|Sign On|Change Password|Logout|Validate Email|Recover"
                       r"|Send |Start|StateType|Identity|Flow [A-G]|Sequence|Token |Authorize |Other |Files |Running |"
                       r"Pointing |Behaviour |Verify |Approve |Sign-on |Using |Internal |Questions |Hosts |Request |"
                       r"Success |JSON)")


def link_text(target):
    path, anchor = target.split("#")
    text = headings(path).get(anchor, anchor)
    return text if KEEP_CASE.match(text) else text[0].lower() + text[1:]


def expand(doc, secs):
    """'§3–§4' → ['3', '4']; '§3.1, §3.2' → ['3.1', '3.2']."""
    numbers = re.findall(r"§(\d+(?:\.\d+)*)", secs)
    if "–" in secs and len(numbers) == 2 and numbers[0].isdigit() and numbers[1].isdigit():
        numbers = [str(n) for n in range(int(numbers[0]), int(numbers[1]) + 1)]
    return numbers


def document(doc):
    doc = doc.strip("`").lower()
    if "decision" in doc:
        return "decisions"
    return "style" if doc == "style" else "contract"


def replace_line(line, rel, mapping, markdown, unmapped):
    def sub(m):
        kind = document(m.group("doc"))
        targets = []
        for number in expand(m.group("doc"), m.group("secs")):
            target = NARROWER.get((rel, f"{kind} §{number}")) or mapping.get(f"{kind} §{number}")
            if target is None:
                unmapped.append(f"{rel}: {kind} §{number}")
                return m.group(0)
            if target not in targets:
                targets.append(target)
        if markdown:
            here = (ROOT / rel).parent
            parts = []
            for t in targets:
                path, anchor = t.split("#")
                relative = pathlib.Path(os.path.relpath(ROOT / path, here)).as_posix()
                parts.append(f"[{link_text(t)}]({relative}#{anchor})")
            if not m.string[:m.start()].strip() or re.search(r"[.:]\s*$", m.string[:m.start()]):
                parts[0] = "[" + parts[0][1].upper() + parts[0][2:]  # a sentence starts here
        else:
            parts = targets
        joiner = " and " if " and " in m.group("secs") and len(parts) == 2 else ", "
        return joiner.join(parts)

    return CITATION.sub(sub, line)


BLOCK_TAG = re.compile(r"^(</|<(summary|remarks|param|returns|para|list|item|example|code|typeparam)\b|[-@\s])")
COMMENT = re.compile(r"^(\s*(?:///|//|#|\*|/\*\*) ?)(.*)$")
SUMMARY = re.compile(r"^(\s*/// )<summary>(.*)</summary>$")


def split_at_width(line, keep):
    """(head, tail): head is line cut at the last space before WIDTH, past the first keep characters, never inside
    a Markdown link."""
    links = [range(m.start(), m.end()) for m in re.finditer(r"\[[^\]]*\]\([^)]*\)", line)]
    spaces = [i for i, c in enumerate(line) if c == " " and i > keep and not any(i in r for r in links)]
    fitting = [i for i in spaces if i <= WIDTH]
    cut = fitting[-1] if fitting else (spaces[0] if spaces else -1)
    return (line, "") if cut < 0 else (line[:cut], line[cut + 1:])


def push_down(lines, i, prefix_of, continues):
    """Moves the words past WIDTH on lines[i] to the start of the next line when it continues the same text,
    else onto a new line; repeats while a line is too long."""
    while len(lines[i]) > WIDTH:
        prefix, rest_prefix = prefix_of(lines[i])
        head, tail = split_at_width(lines[i], len(prefix))
        if not tail:
            return
        lines[i] = head
        if i + 1 < len(lines) and continues(lines[i + 1], rest_prefix):
            lines[i + 1] = rest_prefix + tail + " " + lines[i + 1][len(rest_prefix):]
        else:
            lines.insert(i + 1, rest_prefix + tail)
        i += 1


def rewrap_comment(lines, i):
    """Keeps a rewritten comment line within WIDTH, disturbing as little of its block as possible."""
    if len(lines[i]) <= WIDTH or not COMMENT.match(lines[i]):
        return
    if m := SUMMARY.match(lines[i]):
        prefix = m.group(1)
        lines[i:i + 1] = [prefix + "<summary>", prefix + m.group(2), prefix + "</summary>"]
        i += 1

    def prefix_of(line):
        p = COMMENT.match(line).group(1)
        return p, p

    def continues(line, prefix):
        n = COMMENT.match(line)
        return bool(n) and n.group(1) == prefix and n.group(2) != "" and not BLOCK_TAG.match(n.group(2))

    push_down(lines, i, prefix_of, continues)


def rewrap_markdown(lines, i):
    if len(lines[i]) <= WIDTH or lines[i].lstrip().startswith(("|", "#", "```")):
        return

    def prefix_of(line):
        first = re.match(r"^(\s*(?:[-*] |\d+\. )?)", line).group(1)
        return first, " " * len(first)

    def continues(line, prefix):
        return bool(line.strip()) and line.startswith(prefix) and not re.match(r"^\s*([-*|#>]|\d+\. |```)", line)

    push_down(lines, i, prefix_of, continues)


def files():
    listed = subprocess.check_output(["git", "ls-files"], cwd=ROOT, text=True).splitlines()
    for rel in listed:
        path = ROOT / rel
        if (path.suffix in EXTENSIONS and rel not in SKIP and "/Migrations/" not in rel
                and not any(p in ("bin", "obj", "node_modules") for p in path.parts)):
            yield rel


def main():
    check = "--check" in sys.argv
    mapping = load_map()
    unmapped, remaining = [], []
    for rel in files():
        text = (ROOT / rel).read_text(encoding="utf-8")
        lines = text.split("\n")
        markdown = rel.endswith(".md")
        changed = []
        for i, line in enumerate(lines):
            if CITATION.search(line):
                remaining.append(f"{rel}:{i + 1}: {line.strip()}")
                new = replace_line(line, rel, mapping, markdown, unmapped)
                if new != line:
                    lines[i] = new
                    changed.append(i)
        if check or not changed:
            continue
        for i in reversed(changed):
            (rewrap_markdown if markdown else rewrap_comment)(lines, i)
        (ROOT / rel).write_text("\n".join(lines), encoding="utf-8")
        print(rel)
    for u in unmapped:
        print(f"unmapped: {u}", file=sys.stderr)
    if check:
        print("\n".join(remaining))
        sys.exit(1 if remaining else 0)


if __name__ == "__main__":
    main()
