"""Build-time side of the site search: merchant synonyms and the Pagefind index.

The synonym groups in data/search_synonyms.toml are checked against the built
pages (every target section exists and holds a word of its group) and compiled
to pagefind/synonyms.json, which the search box reads. Not shipped to Python
in the browser; the browser only reads the compiled JSON.
"""

from __future__ import annotations

import html
import json
import re
import subprocess
import tomllib
from dataclasses import dataclass
from pathlib import Path

from calculator.core.errors import DataError

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
SYNONYMS_FILE = DATA_DIR / "search_synonyms.toml"
FILE_LABEL = "calculator/data/search_synonyms.toml"
MAX_WORD = 12

# What Pagefind leaves out of the index: the permalink signs, the tools'
# interactive parts (their how-to text around them stays searchable), the
# "last reviewed" line.
EXCLUDE_SELECTORS = (
    ".headerlink",
    "#fees-tool",
    "#walker-tool",
    "#statement-tool",
    ".md-source-file",
    "script",
)

# Pagefind's ready-made interfaces: the site has its own search box
# (docs/assets/js/search/), so these are not deployed.
UNUSED_FILES = (
    "pagefind-ui.js",
    "pagefind-ui.css",
    "pagefind-component-ui.js",
    "pagefind-component-ui.css",
    "pagefind-modular-ui.js",
    "pagefind-modular-ui.css",
    "pagefind-highlight.js",
)


@dataclass(frozen=True)
class Group:
    """Words that mean the same to a merchant, and the sections they must reach."""

    words: tuple[str, ...]
    targets: tuple[str, ...]


def load_groups(path: Path = SYNONYMS_FILE, label: str = FILE_LABEL) -> list[Group]:
    """Read and check the file's own rules (the targets are checked on the site)."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise DataError(label, "", "", f"cannot read: {error}") from None
    except tomllib.TOMLDecodeError as error:
        raise DataError(label, "", "", f"not valid TOML: {error}") from None
    unknown = set(data) - {"group"}
    if unknown:
        raise DataError(label, "", ", ".join(sorted(unknown)), "unknown key", "unknown")
    groups: list[Group] = []
    seen: dict[str, int] = {}
    for number, entry in enumerate(data.get("group", []), start=1):
        where = f"group {number}"
        if not isinstance(entry, dict):
            raise DataError(label, where, "", "must be a table")
        extra = set(entry) - {"words", "targets"}
        if extra:
            raise DataError(label, where, ", ".join(sorted(extra)), "unknown key", "unknown")
        words = entry.get("words")
        if not isinstance(words, list) or len(words) < 2:
            raise DataError(label, where, "words", "needs a list of at least two words", "required")
        for word in words:
            if not isinstance(word, str) or not 1 <= len(word.strip()) <= MAX_WORD:
                raise DataError(
                    label, where, "words", f"each word must be 1 to {MAX_WORD} characters: {word!r}"
                )
            if word.strip() != word:
                raise DataError(label, where, "words", f"spaces around {word!r}")
            key = word.lower()
            if key in seen:
                raise DataError(
                    label, where, "words", f"{word!r} is already in group {seen[key]}", "duplicate"
                )
            seen[key] = number
        targets = entry.get("targets")
        if not isinstance(targets, list) or not targets:
            raise DataError(label, where, "targets", "needs at least one target", "required")
        for target in targets:
            if not isinstance(target, str) or not re.fullmatch(
                r"[a-z0-9-]+\.md(#[^\s#]+)?", target
            ):
                raise DataError(
                    label, where, "targets", f"write 'page.md' or 'page.md#anchor', got {target!r}"
                )
        groups.append(Group(tuple(words), tuple(targets)))
    if not groups:
        raise DataError(label, "", "group", "no groups", "required")
    return groups


def _page_html(site_dir: Path, page: str) -> Path:
    stem = page.removesuffix(".md")
    return site_dir / ("index.html" if stem == "index" else f"{stem}/index.html")


def _text(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", fragment))


def section_text(document: str, anchor: str | None) -> str | None:
    """The text of the section a heading with id `anchor` opens (down to the next
    heading of the same or a higher level); the article's when `anchor` is None."""
    if anchor is None:
        start = document.find("<article")
        end = document.find("</article>", start)
        return _text(document[start:end]) if start >= 0 <= end else None
    found = re.search(rf'<h([1-6])\b[^>]*\bid="{re.escape(anchor)}"', document)
    if not found:
        return None
    level = int(found.group(1))
    rest = document[found.start() :]
    stop = re.search(rf"<h[1-{level}]\b|</article>", rest[3:])
    return _text(rest[: stop.start() + 3] if stop else rest)


def check_targets(groups: list[Group], site_dir: Path, label: str = FILE_LABEL) -> None:
    """Every target exists in the built site and holds a word of its group."""
    pages: dict[str, str] = {}
    for number, group in enumerate(groups, start=1):
        where = f"group {number}"
        for target in group.targets:
            page, _, anchor = target.partition("#")
            if page not in pages:
                file = _page_html(site_dir, page)
                if not file.is_file():
                    raise DataError(label, where, "targets", f"no page {page}", "unknown")
                pages[page] = file.read_text(encoding="utf-8")
            text = section_text(pages[page], anchor or None)
            if text is None:
                raise DataError(
                    label, where, "targets", f"no section #{anchor} on {page}", "unknown"
                )
            folded = text.lower()
            if not any(word.lower() in folded for word in group.words):
                raise DataError(
                    label,
                    where,
                    "targets",
                    f"{target} contains none of {', '.join(group.words)}",
                    "unknown",
                )


def _target_url(target: str, site_dir: Path) -> str:
    """'causes.md#x' -> 'causes/#x'; a whole page -> its title's anchor, which
    is where Pagefind's first section of the page points."""
    page, _, anchor = target.partition("#")
    stem = page.removesuffix(".md")
    path = "" if stem == "index" else f"{stem}/"
    if not anchor:
        file = _page_html(site_dir, page)
        found = file.is_file() and re.search(r'<h1 id="([^"]+)"', file.read_text(encoding="utf-8"))
        if not found:
            return path
        anchor = found.group(1)
    return f"{path}#{anchor}"


def compile_groups(groups: list[Group], site_dir: Path) -> str:
    """The JSON the search box reads: each group's words and its target sections
    as the site addresses them."""
    return json.dumps(
        {
            "groups": [
                {
                    "words": list(group.words),
                    "targets": [_target_url(target, site_dir) for target in group.targets],
                }
                for group in groups
            ]
        },
        ensure_ascii=False,
        separators=(",", ":"),
    )


def mark_searchable(output: str, searchable: bool) -> str:
    """Tell Pagefind which part of a page to index: the article, on pages meant
    for readers (not the maintainers' guide, not the 404 page)."""
    if not searchable:
        return output
    return output.replace(
        '<article class="md-content__inner md-typeset">',
        '<article class="md-content__inner md-typeset" data-pagefind-body>',
        1,
    )


def build_index(site_dir: Path, pagefind: Path) -> None:
    """Run Pagefind (its extended build segments Chinese) and add the synonyms."""
    groups = load_groups()
    check_targets(groups, site_dir)
    done = subprocess.run(
        [
            str(pagefind),
            "--site",
            str(site_dir),
            "--output-subdir",
            "pagefind",
            "--exclude-selectors",
            ", ".join(EXCLUDE_SELECTORS),
            "--silent",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"pagefind failed: {done.stderr.strip() or done.stdout.strip()}")
    bundle = site_dir / "pagefind"
    for unused in UNUSED_FILES:
        (bundle / unused).unlink(missing_ok=True)
    (bundle / "synonyms.json").write_text(compile_groups(groups, site_dir), encoding="utf-8")
