"""Command line: the same api as the site and the browser, printed as JSON.

Exit 0 with JSON on stdout; exit 2 with a Chinese message on stderr for bad
input or a broken data file.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import Any, NoReturn

from . import api
from .channels import CHANNELS
from .errors import DataError

EXIT_BAD_INPUT = 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(EXIT_BAD_INPUT, f"参数不对：{message}\n")


def _build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m calculator", description="POS 手续费计算（JSON 输出）")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    def transaction(name: str, value: str, help_text: str) -> None:
        cmd = sub.add_parser(name, help=help_text)
        cmd.add_argument(value, help="金额，例如 10000、10,000.50、1.5万")
        cmd.add_argument("--channel", required=True, help="支付方式：" + ", ".join(CHANNELS))
        cmd.add_argument("--plan", default=api.DEFAULT_PLAN, help="费率方案 id")
        cmd.add_argument("--plans", metavar="FILE", help="另一个费率数据文件（TOML）")

    transaction("fee", "amount", "一笔交易的手续费和到账金额")
    transaction("gross", "net", "想到账 NET 元，最少要收多少")
    sub.add_parser("plans", help="列出全部费率方案").add_argument("--plans", metavar="FILE")
    _add_reconcile(sub)
    return parser


def run(argv: Sequence[str] | None = None) -> tuple[int, dict[str, Any] | None, str]:
    args = _build_parser().parse_args(argv)
    if args.command == "reconcile":
        return _run_reconcile(args)
    try:
        if args.command == "plans":
            result = api.plans(args.plans)
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


def main(argv: Sequence[str] | None = None) -> int:
    code, result, message = run(argv)
    if result is not None:
        json.dump(result, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    if message:
        sys.stderr.write(message + "\n")
    return code


# --- reconcile (对账, issue 6) ---------------------------------------------------
# Exit 0: every row fine; 1: something flagged or rejected; 2: cannot read at all.
EXIT_FINDINGS = 1


def _add_reconcile(sub: Any) -> None:
    cmd = sub.add_parser("reconcile", help="对账：逐笔核对交易明细里的手续费")
    cmd.add_argument("file", help="导出的交易明细（CSV 或制表符分隔；UTF-8 或 GBK）")
    cmd.add_argument("--plan", default=api.DEFAULT_PLAN, help="费率方案 id")
    cmd.add_argument("--plans", metavar="FILE", help="另一个费率数据文件（TOML）")
    cmd.add_argument(
        "--custom", metavar="JSON", help='自己的合同费率，例如 \'{"channels": {"credit": ...}}\''
    )
    cmd.add_argument(
        "--map",
        metavar="FIELD=COL,...",
        help="表头认不出时手动指定列（从 1 数）：amount=5,fee=6,channel=4,time=3",
    )
    cmd.add_argument("--channel", help="整份账单的支付方式（没有支付方式列时）")


def _mapping(args: argparse.Namespace) -> dict[str, Any] | None:
    if not args.map and not args.channel:
        return None
    mapping: dict[str, Any] = {}
    for part in (args.map or "").split(","):
        if not part.strip():
            continue
        name, _, column = part.partition("=")
        if not column.strip().isdigit() or int(column) < 1:
            raise ValueError(f"--map 写法不对：{part}（应为 字段=列号，列号从 1 数）")
        mapping[name.strip()] = int(column) - 1
    if args.channel:
        mapping["channel_default"] = args.channel
    return mapping


def _run_reconcile(args: argparse.Namespace) -> tuple[int, dict[str, Any] | None, str]:
    from pathlib import Path

    try:
        data = Path(args.file).read_bytes()
    except OSError as error:
        return EXIT_BAD_INPUT, None, f"文件读不了：{args.file}（{error.strerror or error}）"
    try:
        custom = json.loads(args.custom) if args.custom else None
        mapping = _mapping(args)
    except ValueError as error:
        return EXIT_BAD_INPUT, None, f"参数不对：{error}"
    import base64

    try:
        result = api.safe_call(
            "reconcile",
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
            f"{result['message_zh']}\n{columns}\n用 --map amount=列号,fee=列号,channel=列号 指定。",
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
            "overcharge",
            "undercharge",
            "channels",
            "patterns",
            "rate_changes",
        )
    }
    out["findings"] = sorted(
        result["flagged_rows"] + result["rejected_rows"], key=lambda r: r["line"]
    )
    code = EXIT_FINDINGS if out["flagged"] or out["rejected"] else 0
    return code, out, ""
