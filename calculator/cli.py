"""Command line: the same api as the site and the browser, printed as JSON.

Exit 0 with JSON on stdout; exit 2 with a Chinese message on stderr for bad
input or a broken data file.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import stat
import sys
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any, NoReturn

from calculator import api
from calculator.api.inputs import DEFAULT_PLAN
from calculator.core.channels import CHANNELS, SHORT_NAMES
from calculator.core.errors import DataError
from calculator.fees.estimate import MIX_EXAMPLE, split_mix_text
from calculator.walker import tree as walker_tree
from calculator.walker.walk import longest_path

EXIT_BAD_INPUT = 2


# argparse's own messages, in the reader's language, each with what fixes it.
_ARGPARSE_ZH = (
    (re.compile(r"the following arguments are required: (.+)"), "缺少参数：{0}（请补上这些参数）"),
    (re.compile(r"unrecognized arguments: (.+)"), "不认识的参数：{0}（用 -h 查看可用的参数）"),
    (re.compile(r"argument (\S+): expected one argument"), "{0} 后面要跟一个值"),
    (
        re.compile(r"argument (\S+): invalid choice: '?([^' ]*)'?.*\(choose from (.+)\)"),
        "{0} 不能是 {1}，可选：{2}",
    ),
    (re.compile(r"argument (\S+): not allowed with argument (\S+)"), "{0} 和 {1} 不能一起用"),
    (re.compile(r"argument (\S+): (.+)"), "{0}：{1}"),
)


def _argparse_zh(message: str) -> str:
    for pattern, template in _ARGPARSE_ZH:
        found = pattern.search(message)
        if found:
            return template.format(*found.groups())
    return message


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(EXIT_BAD_INPUT, f"参数不对：{_argparse_zh(message)}\n")


def channel_arg(value: str) -> str:
    """--channel as an id (credit) or as a merchant writes it (信用卡, 贷记卡, 微信).

    A word we cannot place is passed on as typed, so the api's own Chinese
    message (which names every choice) answers it.
    """
    if value in CHANNELS:
        return value
    from calculator.statement.read import channel_of

    return channel_of(value) or value


def _build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m calculator", description="POS 手续费计算（JSON 输出）")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    def transaction(name: str, value: str, help_text: str) -> None:
        cmd = sub.add_parser(name, help=help_text)
        cmd.add_argument(value, help="金额，例如 10000、10,000.50、1.5万")
        cmd.add_argument(
            "--channel",
            required=True,
            type=channel_arg,
            help="支付方式：" + "、".join(f"{SHORT_NAMES[c]}（{c}）" for c in CHANNELS),
        )
        cmd.add_argument("--plan", default=DEFAULT_PLAN, help="费率方案 id")
        cmd.add_argument("--plans", metavar="FILE", help="另一个费率数据文件（TOML）")

    transaction("fee", "amount", "一笔交易的手续费和到账金额")
    transaction("gross", "net", "想到账 NET 元，最少要收多少")
    _add_check(sub)
    sub.add_parser("plans", help="列出全部费率方案").add_argument("--plans", metavar="FILE")

    def monthly(name: str, help_text: str, plan_help: str) -> None:
        cmd = sub.add_parser(name, help=help_text)
        cmd.add_argument(
            "--plan", action="append", default=[], required=name == "compare", help=plan_help
        )
        cmd.add_argument(
            "--mix",
            action="append",
            default=[],
            required=True,
            metavar="CHANNEL=TOTALxCOUNT",
            help="每种支付方式一个：月交易额x笔数，例如 credit=30000x40",
        )
        cmd.add_argument("--plans", metavar="FILE", help="另一个费率数据文件（TOML）")

    monthly("estimate", "按每月交易组合估算月度和全年费用", "费率方案 id（一个）")
    monthly("compare", "同一交易组合下比较几个方案", "费率方案 id（每个方案写一次 --plan）")
    _add_walker(sub)
    _add_statement(sub)
    return parser


def _mix(items: list[str]) -> list[dict[str, str]] | str:
    """credit=30000x40 -> {channel, total, count}; a Chinese message when malformed."""
    rows = []
    for item in items:
        channel, eq, rest = item.partition("=")
        parts = split_mix_text(rest)
        if not eq or parts is None:
            return (
                f"--mix 的格式应为 支付方式=月交易额x笔数，例如 credit={MIX_EXAMPLE}，收到：{item}"
            )
        rows.append({"channel": channel.strip(), "total": parts[0], "count": parts[1]})
    return rows


def _monthly(args: argparse.Namespace) -> dict[str, Any] | str:
    mix = _mix(args.mix)
    if isinstance(mix, str):
        return mix
    if args.command == "estimate":
        if len(args.plan) > 1:
            return "estimate 只接受一个 --plan；要比较几个方案请用 compare。"
        plan = args.plan[0] if args.plan else DEFAULT_PLAN
        return api.safe_call("estimate", mix=mix, plan=plan, plans_file=args.plans)
    return api.safe_call("compare", mix=mix, plans=args.plan, plans_file=args.plans)


# --- one payment against the contract (到账核对) ------------------------------
# Exit 0: the fee matches the contract; 1: it differs; 2: bad input.
EXIT_DIFFERS = 1


def _add_check(sub: Any) -> None:  # noqa: ANN401 - argparse's private subparsers type
    cmd = sub.add_parser("check", help="到账核对：一笔交易扣的手续费和合同对得上吗")
    cmd.add_argument("amount", help="刷卡金额，例如 30000、30,000.00、3万")
    cmd.add_argument("--received", help="实际到账金额")
    cmd.add_argument("--fee", help="被扣的手续费（不知道到账金额时）")
    cmd.add_argument("--channel", required=True, help="支付方式：" + ", ".join(CHANNELS))
    plan = cmd.add_mutually_exclusive_group()
    plan.add_argument("--plan", default=DEFAULT_PLAN, help="费率方案 id")
    plan.add_argument(
        "--custom",
        metavar="JSON",
        help='自己的合同费率，例如 \'{"channels": {"credit": {"rate_percent": 0.6}}}\'',
    )
    cmd.add_argument("--plans", metavar="FILE", help="另一个费率数据文件（TOML）")


def _run_check(args: argparse.Namespace) -> tuple[int, dict[str, Any] | None, str]:
    if args.received is None and args.fee is None:
        return (
            EXIT_BAD_INPUT,
            None,
            "请用 --received 给出实际到账金额，或用 --fee 给出被扣的手续费。",
        )
    custom = None
    if args.custom is not None:
        try:
            # Decimal, not float: 0.6 in the JSON stays exactly 0.6.
            custom = json.loads(args.custom, parse_float=Decimal)
        except ValueError:
            return (
                EXIT_BAD_INPUT,
                None,
                "--custom 不是合法的 JSON，例如 "
                + '\'{"channels": {"credit": {"rate_percent": 0.6}}}\'',
            )
    try:
        result = api.safe_call(
            "check",
            amount=args.amount,
            channel=args.channel,
            plan=DEFAULT_PLAN if custom is not None else args.plan,
            received=args.received,
            fee=args.fee,
            plans_file=args.plans,
            custom=custom,
        )
    except DataError as error:
        return EXIT_BAD_INPUT, None, f"费率数据文件有误：{error}"
    if "error" in result:
        return EXIT_BAD_INPUT, None, result["error"]["message_zh"]
    return (0 if result["status"] == "match" else EXIT_DIFFERS), result, ""


def run(argv: Sequence[str] | None = None) -> tuple[int, dict[str, Any] | None, str]:
    args = _build_parser().parse_args(argv)
    if args.command == "check":
        return _run_check(args)
    if args.command in ("walker", "checklist"):
        return _run_walker(args)
    if args.command in ("statement", "reconcile"):
        return _run_statement(args)
    try:
        if args.command == "plans":
            result = api.safe_call("plans", plans_file=args.plans)
        elif args.command in ("estimate", "compare"):
            outcome = _monthly(args)
            if isinstance(outcome, str):
                return EXIT_BAD_INPUT, None, outcome
            result = outcome
        else:
            value = args.amount if args.command == "fee" else args.net
            result = api.safe_call(
                args.command,
                **{
                    "amount" if args.command == "fee" else "net": value,
                    "channel": args.channel,
                    "plan": args.plan,
                    "plans_file": args.plans,
                },
            )
    except DataError as error:
        return EXIT_BAD_INPUT, None, f"费率数据文件有误：{error}"
    if "error" in result:
        return EXIT_BAD_INPUT, None, result["error"]["message_zh"]
    return 0, result, ""


# --- the walker -------------------------------------------------------------

# In a checkout the guide sits next to the package; --validate checks the tree
# against its causes page when it is there (or when --guide names one).
_GUIDE_CAUSES = Path(__file__).resolve().parent.parent / "docs" / "causes.md"


def _add_walker(sub: Any) -> None:  # noqa: ANN401 - argparse's private subparsers type
    # "checklist" was the command's first name; kept so old notes still work.
    cmd = sub.add_parser(
        "walker", aliases=["checklist"], help="排查向导：按回答给出下一个问题或结果"
    )
    mode = cmd.add_mutually_exclusive_group()
    mode.add_argument("--answers", default="", metavar="ID=ANSWER,…", help="已选的回答")
    mode.add_argument(
        "--validate", nargs="?", const="", metavar="FILE", help="检查向导数据文件（默认内置文件）"
    )
    mode.add_argument("--export", action="store_true", help="以 JSON 输出整棵树")
    cmd.add_argument("--guide", metavar="CAUSES_MD", help="核对原因页（默认 docs/causes.md）")


def _run_walker(args: argparse.Namespace) -> tuple[int, dict[str, Any] | None, str]:
    try:
        if args.validate is not None:
            return _validate_walker(args.validate or None, args.guide)
        if args.export:
            return 0, api.safe_call("walker_tree"), ""
        result = api.safe_call("walker_step", answers=args.answers)
    except DataError as error:
        return EXIT_BAD_INPUT, None, f"排查向导数据文件有误：\n{error}"
    if "error" in result:
        return EXIT_BAD_INPUT, None, result["error"]["message_zh"]
    return 0, result, ""


def _validate_walker(file: str | None, guide: str | None) -> tuple[int, dict[str, Any] | None, str]:
    guide_path = Path(guide) if guide else (_GUIDE_CAUSES if _GUIDE_CAUSES.is_file() else None)
    guide_ids: list[str] = []
    if guide_path is not None:
        try:
            guide_ids = walker_tree.guide_cause_ids(guide_path.read_text(encoding="utf-8"))
        except OSError as error:
            return EXIT_BAD_INPUT, None, f"读不到原因页 {guide_path}：{error.strerror or error}"
        if not guide_ids:
            return EXIT_BAD_INPUT, None, f"{guide_path}: 没有找到带锚点的原因标题"
    problems = walker_tree.validate_file(file, guide_ids)
    if problems:
        return EXIT_BAD_INPUT, None, "\n".join(problems)
    tree = walker_tree.load_tree(file)
    longest = longest_path(tree)
    return (
        0,
        {
            "ok": True,
            "file": tree.file,
            "guide": str(guide_path) if guide_path else None,
            "questions": len(tree.questions),
            "outcomes": len(tree.outcomes),
            "longest_path": longest,
        },
        "",
    )


# --- the statement check (对账) -------------------------------------------------
# Exit 0: every row fine; 1: something flagged or rejected; 2: cannot read at all.
EXIT_FINDINGS = 1


def _add_statement(sub: Any) -> None:  # noqa: ANN401 - argparse's private subparsers type
    # "reconcile" was the command's first name; kept so old notes still work.
    cmd = sub.add_parser(
        "statement", aliases=["reconcile"], help="对账：逐笔核对交易明细里的手续费"
    )
    cmd.add_argument("file", help="导出的交易明细（CSV 或制表符分隔；UTF-8 或 GBK）")
    cmd.add_argument("--plan", default=DEFAULT_PLAN, help="费率方案 id")
    cmd.add_argument("--plans", metavar="FILE", help="另一个费率数据文件（TOML）")
    cmd.add_argument(
        "--custom", metavar="JSON", help='自己的合同费率，例如 \'{"channels": {"credit": ...}}\''
    )
    cmd.add_argument(
        "--map",
        metavar="FIELD=COL,...",
        help="表头认不出时手动指定列（从 1 数）：amount=5,fee=6,channel=4,time=3",
    )
    cmd.add_argument(
        "--channel", type=channel_arg, help="整份账单的支付方式（没有支付方式列时），如 信用卡"
    )


def _mapping(args: argparse.Namespace) -> dict[str, Any] | None:
    if not args.map and not args.channel:
        return None
    mapping: dict[str, Any] = {}
    for part in (args.map or "").split(","):
        if not part.strip():
            continue
        name, _, column = part.partition("=")
        if not column.strip().isdigit() or int(column) < 1:
            raise ValueError(
                f"--map 写法不对：{part}（应为 字段=列号，列号从 1 数，"
                "例如 --map amount=5,fee=6,channel=4）"
            )
        mapping[name.strip()] = int(column) - 1
    if args.channel:
        if args.channel not in CHANNELS:
            names = "、".join(f"{SHORT_NAMES[c]}（{c}）" for c in CHANNELS)
            raise ValueError(f"--channel 认不出“{args.channel}”，可写：{names}")
        mapping["channel_default"] = args.channel
    return mapping


def _read_file(name: str) -> bytes | str:
    """The export's bytes, or a Chinese reason; never reads more than the size limit.

    Checked before reading: a 1 GB file is refused at once, and a device or a
    pipe (/dev/zero, a FIFO) is refused instead of read forever.
    """
    from calculator.statement.read import MAX_BYTES

    limit_mb = MAX_BYTES // 1024 // 1024
    try:
        info = os.stat(name)
        if not stat.S_ISREG(info.st_mode):
            kind = "文件夹" if stat.S_ISDIR(info.st_mode) else "设备或管道"
            return f"{name} 是{kind}，不是导出的账单文件：请给出 CSV 或 Excel 文件的路径。"
        if info.st_size > MAX_BYTES:
            size = info.st_size / 1024 / 1024
            return f"文件太大（{size:.0f} MB，上限 {limit_mb} MB）：请按月分开导出后逐个核对。"
        with open(name, "rb") as file:
            data = file.read(MAX_BYTES + 1)
    except OSError as error:
        return f"文件读不了：{name}（{error.strerror or error}）"
    if len(data) > MAX_BYTES:  # grew while we looked
        return f"文件太大（超过 {limit_mb} MB）：请按月分开导出后逐个核对。"
    return data


def _custom(text: str | None) -> dict[str, Any] | None:
    """--custom as JSON; numbers stay exact (Decimal), mistakes are answered in Chinese."""
    if not text:
        return None
    try:
        custom = json.loads(text, parse_float=Decimal)
    except (ValueError, RecursionError) as error:
        where = (
            f"（第 {error.colno} 个字符附近）" if isinstance(error, json.JSONDecodeError) else ""
        )
        raise ValueError(
            f"--custom 不是合法的 JSON{where}：请写成 "
            '\'{"channels": {"credit": {"rate_percent": 0.6}}}\'（注意用英文双引号）'
        ) from None
    if not isinstance(custom, dict):
        raise ValueError(
            '--custom 应是一个 JSON 对象，例如 \'{"channels": {"credit": {"rate_percent": 0.6}}}\''
        )
    return custom


def _run_statement(args: argparse.Namespace) -> tuple[int, dict[str, Any] | None, str]:
    data = _read_file(args.file)
    if isinstance(data, str):
        return EXIT_BAD_INPUT, None, data
    try:
        custom = _custom(args.custom)
        mapping = _mapping(args)
    except ValueError as error:
        return EXIT_BAD_INPUT, None, f"参数不对：{error}"
    import base64

    try:
        result = api.safe_call(
            "statement_check",
            data=base64.b64encode(data).decode("ascii"),
            plan=args.plan,
            custom=custom,
            mapping=mapping,
            plans_file=args.plans,
        )
    except DataError as error:
        return EXIT_BAD_INPUT, None, f"费率数据文件有误：{error}"
    if "error" in result:
        return EXIT_BAD_INPUT, None, result["error"]["message_zh"]
    if result.get("need_mapping"):
        columns = "；".join(
            f"第 {c['index'] + 1} 列：{c['samples'][0] if c['samples'] else ''}"
            for c in result["columns"]
        )
        return (
            EXIT_BAD_INPUT,
            None,
            f"{result['message_zh']}\n{columns}\n用 --map amount=列号,fee=列号,channel=列号 指定"
            "（列号从 1 数）；整份账单只有一种支付方式时可改用 --channel 信用卡。",
        )
    out = {
        key: result[key]
        for key in (
            "plan",
            "encoding",
            "rows",
            "checked",
            "flagged",
            "rejected",
            "skipped",
            "overcharge",
            "undercharge",
            "channels",
            "patterns",
            "rate_changes",
            "notices",
            "refunds",
            "notes",
        )
    }
    out["findings"] = sorted(
        result["flagged_rows"] + result["rejected_rows"] + result["skipped_rows"],
        key=lambda r: r["line"],
    )
    disagrees = any(n["finding"] for n in result["notices"])
    code = EXIT_FINDINGS if out["flagged"] or out["rejected"] or disagrees else 0
    return code, out, ""


def main(argv: Sequence[str] | None = None) -> int:
    code, result, message = run(argv)
    if result is not None:
        json.dump(result, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    if message:
        sys.stderr.write(message + "\n")
    return code
