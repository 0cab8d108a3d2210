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
