"""The CLI prints the api's JSON and exits 2 with Chinese on bad input."""

import json
import subprocess
import sys

import pytest

from calculator.cli import main


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "calculator", *args], capture_output=True, text=True, check=False
    )


def test_fee_json() -> None:
    done = run("fee", "10000", "--channel", "credit")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert (result["amount"], result["fee"], result["net"]) == ("10000.00", "60.00", "9940.00")
    assert result["effective_rate"] == "0.60%" and result["plan"] == "lakala-personal"


def test_gross_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["gross", "9975", "--channel", "debit"]) == 0
    assert json.loads(capsys.readouterr().out)["amount"] == "10000.00"


@pytest.mark.parametrize(
    "args",
    [
        ["fee", "abc", "--channel", "credit"],
        ["fee", "0", "--channel", "credit"],
        ["fee", "10", "--channel", "visa"],
        ["fee", "10", "--channel", "credit", "--plan", "nope"],
        ["gross", "100000000", "--channel", "credit"],
    ],
)
def test_bad_input_exits_2_in_chinese(args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(args) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert any("\u4e00" <= ch <= "\u9fff" for ch in captured.err)


def test_broken_plans_file_names_file_and_field(tmp_path) -> None:
    bad = tmp_path / "plans.toml"
    bad.write_text(
        '[[plan]]\nid = "x"\nname = "n"\nsource = "s"\nas_of = "undated"\n'
        "[plan.channels.credit]\nrate_percent = 99\n",
        encoding="utf-8",
    )
    done = run("fee", "100", "--channel", "credit", "--plans", str(bad), "--plan", "x")
    assert done.returncode == 2
    assert str(bad) in done.stderr and "channels.credit.rate_percent" in done.stderr


def test_usage_error_exits_2() -> None:
    done = run("fee", "100")
    assert done.returncode == 2 and "参数不对" in done.stderr


def test_estimate_and_compare_json() -> None:
    done = run("estimate", "--plan", "lakala-personal", "--mix", "credit=30000x40",
               "--mix", "debit=200000x20")  # fmt: skip
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["monthly_fees"] == "680.00" and result["first_year_total"] == "8160.00"
    done = run("compare", "--plan", "lakala-personal", "--plan", "example-d0-addon",
               "--mix", "credit=30000x40", "--mix", "debit=200000x20")  # fmt: skip
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["cheapest"] == ["lakala-personal"]
    assert result["yearly_difference"] == "1539.00"  # 12 x 40 x 3 add-on + 99 流量费


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["estimate", "--mix", "credit=30000"], "credit=30000x40"),
        (["estimate", "--mix", "credit30000x40"], "--mix"),
        (["estimate", "--mix", "credit=abcx4"], "信用卡"),
        (["estimate", "--mix", "credit=100x0"], "笔数"),
        (["estimate", "--mix", "visa=100x1"], "支付方式"),
        (["estimate", "--plan", "a", "--plan", "b", "--mix", "credit=1x1"], "compare"),
        (["compare", "--plan", "lakala-personal", "--mix", "credit=1x1"], "两个方案"),
        (["compare", "--plan", "nope", "--plan", "x", "--mix", "credit=1x1"], "方案"),
        (["compare", "--mix", "credit=1x1"], "参数不对"),
    ],
)
def test_monthly_bad_input_exits_2(
    args: list[str], words: str, capsys: pytest.CaptureFixture[str]
) -> None:
    try:
        code = main(args)
    except SystemExit as stop:  # argparse usage errors exit from inside parse_args
        code = stop.code
    assert code == 2
    captured = capsys.readouterr()
    assert captured.out == "" and words in captured.err


def test_closed_pipe_is_not_a_traceback() -> None:
    done = subprocess.run(
        f"{sys.executable} -m calculator checklist --export | head -c 1",
        shell=True,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.stdout == "{" and "Traceback" not in done.stderr, done.stderr
