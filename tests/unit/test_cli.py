"""Every CLI command: the api's JSON on stdout, exit 2 with Chinese on bad input."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from calculator.cli import main
from calculator.walker import tree as walker_tree
from calculator.walker import walk as walker_walk
from tests.statement_values import FINE, HIKE, statement
from tests.walker_values import ROOT, bundled, dump_toml, question


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "calculator", *args],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )


def test_fee_json() -> None:
    done = run("fee", "10000", "--channel", "credit")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert (result["amount"], result["fee"], result["net"]) == ("10,000.00", "60.00", "9,940.00")
    assert result["effective_rate"] == "0.60%" and result["plan"] == "lakala-personal"


def test_gross_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["gross", "9975", "--channel", "debit"]) == 0
    assert json.loads(capsys.readouterr().out)["amount"] == "10,000.00"
    assert main(["gross", "99400000", "--channel", "credit"]) == 0  # the largest net by credit
    assert json.loads(capsys.readouterr().out)["amount"] == "100,000,000.00"


def test_plans_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plans"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["plans"][0]["id"] == "lakala-personal" and "credit" in result["channels"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            "fee abc --channel credit",
            "金额格式不对，请只输入数字，例如 10000、1.5万 或 ¥10,000.50。",
        ),
        ("fee 0 --channel credit", "金额必须大于 0。"),
        ("fee 100000000.01 --channel credit", "金额最大是 1 亿元（100,000,000.00）。"),
        ("fee 10 --channel visa", "请选择支付方式：信用卡、借记卡、微信、支付宝或云闪付。"),
        ("fee 10 --channel credit --plan nope", "没有这个费率方案，请从列表中选择。"),
        ("gross -1 --channel credit", "金额不能是负数。"),
        # 0.6% of the largest amount, 100,000,000.00, leaves 99,400,000.00
        ("gross 99400000.01 --channel credit", "到账金额太大：收款上限 1 亿元也不够。"),
    ],
)
def test_bad_input_exits_2_in_chinese(
    args: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(args.split()) == 2
    assert capsys.readouterr() == ("", message + "\n")


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
    assert result["monthly_fees"] == "680.00" and result["first_year_total"] == "8,160.00"
    done = run("compare", "--plan", "lakala-personal", "--plan", "example-d0-addon",
               "--mix", "credit=30000x40", "--mix", "debit=200000x20")  # fmt: skip
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    # One real plan beside an example: nothing is named cheapest.
    assert result["cheapest"] == [] and "真实方案只有一个" in result["verdict"]
    assert result["plans"][1]["first_year_total"] == "9,699.00"  # 8,160 + 12 x 40 x 3 + 99


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


# --- walker ---------------------------------------------------------------------


def test_cli_answers_outcome_and_next_question(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["walker", "--answers", "stage=rejected,reject-reason=name"]) == 0
    assert json.loads(capsys.readouterr().out)["outcome"]["cause"]["id"] == "same-name"
    assert main(["walker", "--answers", "stage=money"]) == 0
    reply = json.loads(capsys.readouterr().out)
    assert reply["kind"] == "question" and reply["question"]["id"] == "money"
    assert main(["walker"]) == 0
    assert json.loads(capsys.readouterr().out)["progress"].startswith("第 1 步")


def test_cli_bad_answers_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["walker", "--answers", "stage=<b>"]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and "格式不对" in captured.err


def test_cli_validate_good_and_broken(tmp_path: Path) -> None:
    done = run("walker", "--validate")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["ok"] and report["outcomes"] == len(walker_tree.load_tree().outcomes)
    assert report["guide"].endswith("causes.md")

    data = bundled()
    question(data, "money")["answers"][3]["next"] = "nowhere"
    question(data, "old-card")["answers"][1]["next"] = "money"  # a cycle
    broken = tmp_path / "broken.toml"
    broken.write_text(dump_toml(data), encoding="utf-8")
    done = run("walker", "--validate", str(broken))
    assert done.returncode == 2 and done.stdout == ""
    assert f"{broken}: question 'money': answers[3].next: points to 'nowhere'" in done.stderr
    assert "cycle: money -> old-card -> money" in done.stderr

    guide = tmp_path / "causes.md"
    guide.write_text("### 新原因 {#brand-new}\n\n[→](solutions.md#brand-new)\n", encoding="utf-8")
    done = run("walker", "--validate", "--guide", str(guide))
    assert done.returncode == 2
    assert "causes: brand-new: is on the guide" in done.stderr
    assert "causes: same-name: is not a cause on the guide" in done.stderr


def test_cli_export_is_the_whole_tree() -> None:
    done = run("walker", "--export")
    assert done.returncode == 0, done.stderr
    tree = json.loads(done.stdout)
    loaded = walker_tree.load_tree()
    assert [q["id"] for q in tree["questions"]] == list(loaded.questions)
    assert [o["id"] for o in tree["outcomes"]] == list(loaded.outcomes)
    assert tree["stats"]["longest_path"] == walker_walk.longest_path(loaded)


# --- statement --------------------------------------------------------------------


def test_cli_exit_0_when_every_row_is_fine(tmp_path) -> None:  # noqa: ANN001
    path = tmp_path / "fine.csv"
    path.write_bytes(statement(*FINE).encode("gbk"))
    done = run("statement", str(path), "--plan", "lakala-personal")
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert (out["rows"], out["checked"], out["flagged"], out["rejected"]) == (3, 3, 0, 0)
    assert out["overcharge"] == "0.00" and out["findings"] == []


def test_cli_exit_1_with_findings(tmp_path) -> None:  # noqa: ANN001
    path = tmp_path / "hike.csv"
    path.write_text(statement(*FINE, HIKE, "2025-03-15,T1,visa,1,1,,"), encoding="utf-8-sig")
    done = run("statement", str(path))
    assert done.returncode == 1, done.stderr
    out = json.loads(done.stdout)
    assert out["overcharge"] == "733.86"
    assert [(f["line"], f["status"]) for f in out["findings"]] == [
        (5, "flagged"),
        (6, "rejected"),
    ]
    assert all(f["reason"] for f in out["findings"])


@pytest.mark.parametrize(("fee", "code"), [("59.99", 0), ("60.01", 0), ("59.98", 1), ("60.02", 1)])
def test_cli_exit_status_allows_a_fen_either_way(
    fee: str, code: int, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "one.csv"
    path.write_text(statement(f"2025-03-05,T1,信用卡,10000,{fee},,小店"), encoding="utf-8")
    assert main(["statement", str(path)]) == code
    out = json.loads(capsys.readouterr().out)
    assert (out["checked"], out["flagged"]) == (1 - code, code)


def test_cli_exit_2_when_the_file_cannot_be_read(tmp_path) -> None:  # noqa: ANN001
    assert run("statement", str(tmp_path / "missing.csv")).returncode == 2
    unknown = tmp_path / "unknown.csv"
    unknown.write_text("A,B\n1,2\n", encoding="utf-8")
    done = run("statement", str(unknown))
    assert done.returncode == 2 and "--map" in done.stderr and done.stdout == ""
    mapped = run("statement", str(unknown), "--map", "amount=1,fee=2", "--channel", "credit")
    assert mapped.returncode == 1 and json.loads(mapped.stdout)["rejected"] == 1
    binary = tmp_path / "binary.csv"
    binary.write_bytes(bytes([0x81, 0x30, 0x81]) * 10)
    assert run("statement", str(binary)).returncode == 2
    assert run("statement", str(unknown), "--plan", "nope").returncode == 2


@pytest.mark.parametrize(("name", "alias"), [("walker", "checklist"), ("statement", "reconcile")])
def test_first_command_names_still_work(
    name: str, alias: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    if name == "walker":
        args = ["--answers", "stage=money"]
    else:
        path = tmp_path / "fine.csv"
        path.write_text(statement(*FINE), encoding="utf-8")
        args = [str(path)]
    assert main([name, *args]) == main([alias, *args]) == 0
    first, second = capsys.readouterr().out.split("\n}\n", 1)
    assert json.loads(first + "}") == json.loads(second)
