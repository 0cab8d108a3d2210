"""Content checks for the guide pages in docs/.

These read the Markdown sources only; no site build is needed. They check:

1. every section of the seed article has a page and a heading;
2. every cause has a heading with the same anchor on causes.md and
   solutions.md, and the two sections link to each other;
3. no page links to (or names) a host on tests/site/deny_hosts.txt;
4. the seed's typos do not appear in docs/;
5. no run of 20 characters of the seed text (whitespace removed, full-width
   forms folded) appears in any docs/ file (treated the same way): facts carry
   over, sentences do not;
6. every page has a `last_reviewed` date in its front
   matter (and, where the page also shows "最后核对：", the two agree).

The seed lives outside the repository, in ../shared/seeds/ (SEED_FILE points
elsewhere). So that a fresh clone can run check 5 without it, the repository
keeps only fingerprints of the seed's 20-character runs (seed_runs.txt, one
short hash a line, no text); when the seed is present a test proves the
fingerprints still match it. Regenerate with
`python -m tests.site.test_content > tests/site/seed_runs.txt`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import unicodedata
from pathlib import Path

import pytest

from calculator.walker.tree import load_tree

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
DENY_FILE = Path(__file__).with_name("deny_hosts.txt")
FINGERPRINT_FILE = Path(__file__).with_name("seed_runs.txt")
SEED_FILE = Path(
    os.environ.get("SEED_FILE", ROOT.parent / "shared" / "seeds" / "000_7b68c1f4c710d5f0.txt")
)

TEXT_SUFFIXES = {
    ".md",
    ".html",
    ".htm",
    ".js",
    ".mjs",
    ".css",
    ".txt",
    ".svg",
    ".json",
    ".yml",
    ".yaml",
    ".toml",
    ".csv",
}
RUN_LENGTH = 20
SEED_TYPOS = ("ka卡", "信xi息", "POSS")

# Seed section -> (page, text that must appear in one of that page's headings).
SEED_SECTIONS = [
    ("背景概述 / 引言", "index.md", "三句话说清楚"),
    ("原因：技术原因", "causes.md", "系统故障"),
    ("原因：操作流程问题", "causes.md", "操作步骤出错"),
    ("原因：法律法规限制", "causes.md", "法律法规"),
    ("原因：其他因素", "causes.md", "其他原因"),
    ("原因：系统限制", "causes.md", "服务商系统"),
    ("原因：数据同步问题", "causes.md", "数据没有同步"),
    ("原因：权限不足", "causes.md", "权限不够"),
    ("原因：卡片物理属性", "causes.md", "卡片本身"),
    ("原因：银行或支付平台限制", "causes.md", "银行或支付平台"),
    ("解决：技术升级与优化", "solutions.md", "排除系统和网络问题"),
    ("解决：完善操作流程", "solutions.md", "按退回理由补齐"),
    ("解决：遵守法律法规", "solutions.md", "请对方说清依据"),
    ("解决：寻求专业帮助", "solutions.md", "服务商不给办怎么办"),
    ("解决：联系服务商或销售人员", "solutions.md", "找谁办"),
    ("解决：检查数据同步", "solutions.md", "核对三处的卡号"),
    ("解决：提升操作权限", "solutions.md", "用主账号"),
    ("解决：更换卡片", "solutions.md", "确认卡片符合要求"),
    ("解决：与银行或支付平台协商", "solutions.md", "一次备齐材料"),
    ("注意事项 1：耐心、保留记录", "precautions.md", "留好每一条记录"),
    ("注意事项 2：只找官方售后", "precautions.md", "只找官方渠道"),
    ("注意事项 3：提交前核对资料", "precautions.md", "把资料核对一遍"),
    ("注意事项 4：保护个人信息", "precautions.md", "保护好卡和个人信息"),
    ("注意事项 5：维护设备、查看记录", "precautions.md", "常看机器和流水"),
    ("结论 / 结语", "index.md", "记住三件事"),
    ("延伸阅读 1：POS 使用指南", "reading.md", "POS 使用指南"),
    ("延伸阅读 2：银行卡规定与个人信息保护", "reading.md", "银行卡规定与个人信息保护"),
    ("延伸阅读 3：POS 技术规范与管理标准", "reading.md", "POS 技术规范与管理标准"),
    ("延伸阅读 4：客服渠道", "reading.md", "客服与投诉渠道"),
    ("费率：手续费怎么算", "fees.md", "手续费怎么算"),
    ("费率：借记卡封顶", "fees.md", "借记卡封顶"),
    ("费率：扫码、银联二维码", "fees.md", "扫码和银联二维码"),
    ("费率：拉卡拉个人 POS 刷一万元", "fees.md", "拉卡拉个人 POS 刷一万元多少手续费"),
]

# The cause taxonomy is the walker's [causes] table (calculator/data/walker.toml):
# other pages (the walker, the calculator) link to these ids, so never rename one.
CAUSE_IDS = list(load_tree().causes)

FENCE = re.compile(r"^(```|~~~).*?^\1[^\n]*$", re.M | re.S)
HEADING = re.compile(r"^(#{1,6})[ \t]+(.+?)[ \t]*#*[ \t]*$", re.M)
ATTR_LIST = re.compile(r"\{[^{}]*\}\s*$")
ATTR_ID = re.compile(r"\{[^{}]*?#([A-Za-z0-9_-]+)[^{}]*\}\s*$")
URL_HOST = re.compile(r"(?i)(?:\b[a-z][a-z0-9+.-]*:)?//([a-z0-9.-]+\.[a-z]{2,})")
BARE_HOST = re.compile(r"(?i)\b((?:[a-z0-9-]+\.)+[a-z]{2,})\b")
FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)\n---[ \t]*\n", re.S)


# ---------------------------------------------------------------- helpers


def read(page: str) -> str:
    path = DOCS / page
    assert path.is_file(), f"docs/{page} is missing"
    return path.read_text(encoding="utf-8")


def doc_files() -> list[Path]:
    return sorted(p for p in DOCS.rglob("*") if p.is_file() and p.suffix.lower() in TEXT_SUFFIXES)


def markdown_pages() -> list[Path]:
    return sorted(DOCS.rglob("*.md"))


def rel(path: Path) -> str:
    return path.relative_to(DOCS).as_posix()


def squash(text: str) -> str:
    """Remove all whitespace, so line breaks cannot hide a copied run."""
    return re.sub(r"\s+", "", text)


def fold(text: str) -> str:
    """Whitespace removed and full-width forms folded (NFKC: "，" == ","), lower case,
    so swapping punctuation width or letter case cannot hide a copied run either."""
    return squash(unicodedata.normalize("NFKC", text)).lower()


def headings(text: str) -> list[tuple[int, str, str | None, int]]:
    """(level, text without attr list, anchor id or None, offset) outside code fences."""
    blanked = FENCE.sub(lambda m: "\n" * m.group(0).count("\n"), text)
    found = []
    for m in HEADING.finditer(blanked):
        raw = m.group(2)
        anchor = ATTR_ID.search(raw)
        title = ATTR_LIST.sub("", raw).strip()
        found.append((len(m.group(1)), title, anchor.group(1) if anchor else None, m.start()))
    return found


def section(text: str, anchor: str) -> str | None:
    """From the heading with this anchor to the next heading of the same or a higher level."""
    heads = headings(text)
    for i, (level, _title, head_id, start) in enumerate(heads):
        if head_id == anchor:
            end = next((s for lv, _t, _a, s in heads[i + 1 :] if lv <= level), len(text))
            return text[start:end]
    return None


def seed_text() -> str | None:
    return SEED_FILE.read_text(encoding="utf-8") if SEED_FILE.is_file() else None


def fingerprint(run: str) -> str:
    return hashlib.blake2b(run.encode("utf-8"), digest_size=8).hexdigest()


def seed_fingerprints(seed: str) -> set[str]:
    folded = fold(seed)
    assert len(folded) > RUN_LENGTH
    return {fingerprint(folded[i : i + RUN_LENGTH]) for i in range(len(folded) - RUN_LENGTH + 1)}


def deny_hosts() -> list[str]:
    lines = DENY_FILE.read_text(encoding="utf-8").splitlines()
    return [ln.strip().lower() for ln in lines if ln.strip() and not ln.strip().startswith("#")]


def is_denied(host: str, denied: list[str]) -> bool:
    host = host.lower().rstrip(".")
    return any(host == d or host.endswith("." + d) for d in denied)


# ------------------------------------------------- 1. seed sections present


@pytest.mark.parametrize(
    ("seed_section", "page", "heading"), SEED_SECTIONS, ids=[s[0] for s in SEED_SECTIONS]
)
def test_seed_section_has_page_and_heading(seed_section: str, page: str, heading: str) -> None:
    titles = [squash(t) for _lv, t, _a, _s in headings(read(page))]
    assert any(squash(heading) in t for t in titles), (
        f"seed section {seed_section!r}: docs/{page} has no heading containing {heading!r}"
    )


# ------------------------------------------- 2. causes <-> solutions anchors


@pytest.mark.parametrize("cause_id", list(CAUSE_IDS))
def test_cause_and_solution_link_both_ways(cause_id: str) -> None:
    causes, solutions = read("causes.md"), read("solutions.md")
    cause_part = section(causes, cause_id)
    solution_part = section(solutions, cause_id)
    assert cause_part is not None, f"causes.md has no heading with {{#{cause_id}}}"
    assert solution_part is not None, f"solutions.md has no heading with {{#{cause_id}}}"
    assert f"(solutions.md#{cause_id})" in cause_part, (
        f"causes.md#{cause_id} does not link to solutions.md#{cause_id}"
    )
    assert f"(causes.md#{cause_id})" in solution_part, (
        f"solutions.md#{cause_id} does not link back to causes.md#{cause_id}"
    )


def test_anchors_are_unique_per_page() -> None:
    for page in ("causes.md", "solutions.md"):
        ids = [a for _lv, _t, a, _s in headings(read(page)) if a]
        dupes = sorted({a for a in ids if ids.count(a) > 1})
        assert not dupes, f"{page}: duplicate anchors {dupes}"


# ------------------------------------------------------- 3. denied hosts


def test_deny_list_starts_with_seed_domain() -> None:
    assert "lftpos.com" in deny_hosts()


@pytest.mark.parametrize("path", doc_files(), ids=rel)
def test_no_link_to_denied_host(path: Path) -> None:
    denied = deny_hosts()
    text = path.read_text(encoding="utf-8", errors="replace")
    hosts = {m.group(1) for m in URL_HOST.finditer(text)} | {
        m.group(1) for m in BARE_HOST.finditer(text)
    }
    bad = sorted(h for h in hosts if is_denied(h, denied))
    assert not bad, f"docs/{rel(path)} links to or names denied host(s): {bad}"


# -------------------------------------------------------------- 4. typos


@pytest.mark.parametrize("path", doc_files(), ids=rel)
def test_no_seed_typos(path: Path) -> None:
    text = path.read_text(encoding="utf-8", errors="replace")
    found = [t for t in SEED_TYPOS if t in text]
    assert not found, f"docs/{rel(path)} contains the seed's typo(s) {found}"


# ------------------------------------------------ 5. no copied seed text


@pytest.fixture(scope="module")
def seed_runs() -> set[str]:
    stored = set(FINGERPRINT_FILE.read_text(encoding="ascii").split())
    assert len(stored) > 1000
    return stored


def test_fingerprints_match_seed(seed_runs: set[str]) -> None:
    seed = seed_text()
    if seed is None:
        pytest.skip(f"seed article not at {SEED_FILE}; using the stored fingerprints")
    assert seed_fingerprints(seed) == seed_runs, "regenerate tests/site/seed_runs.txt"


@pytest.mark.parametrize("path", doc_files(), ids=rel)
def test_no_20_character_run_from_seed(path: Path, seed_runs: set[str]) -> None:
    text = fold(path.read_text(encoding="utf-8", errors="replace"))
    for i in range(len(text) - RUN_LENGTH + 1):
        run = text[i : i + RUN_LENGTH]
        assert fingerprint(run) not in seed_runs, f"docs/{rel(path)} copies seed text: {run!r}"


# ------------------------------------------------------- 6. last reviewed


@pytest.mark.parametrize("path", markdown_pages(), ids=rel)
def test_page_has_last_reviewed_date(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    fm = FRONT_MATTER.match(text)
    assert fm, f"docs/{rel(path)} has no front matter (--- ... ---) at the top"
    m = re.search(r"^last_reviewed:[ \t]*['\"]?(\d{4}-\d{2}-\d{2})['\"]?[ \t]*$", fm.group(1), re.M)
    assert m, f"docs/{rel(path)}: front matter has no `last_reviewed: YYYY-MM-DD`"
    reviewed = dt.date.fromisoformat(m.group(1))  # raises on an impossible date
    assert reviewed <= dt.date.today() + dt.timedelta(days=1), f"{rel(path)}: date in the future"
    shown = re.search(r"最后核对：\s*(\d{4}-\d{2}-\d{2})", text[fm.end() :])
    if shown:
        assert shown.group(1) == m.group(1), (
            f"docs/{rel(path)}: visible 最后核对 {shown.group(1)} differs from front matter "
            f"{m.group(1)}"
        )


if __name__ == "__main__":
    print("\n".join(sorted(seed_fingerprints(seed_text() or ""))))
