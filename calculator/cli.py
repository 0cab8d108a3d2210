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
    return parser


def run(argv: Sequence[str] | None = None) -> tuple[int, dict[str, Any] | None, str]:
    args = _build_parser().parse_args(argv)
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
