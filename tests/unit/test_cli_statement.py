"""The statement CLI on hostile and realistic input (issue 13, items 6, 9 and 11):
files checked before they are read, exact --custom numbers, Chinese channel
names, every mistake answered in Chinese with the options that fix it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from calculator.cli import main
from calculator.statement.read import MAX_BYTES
from tests.statement_values import FINE, HIKE, statement
from tests.walker_values import ROOT

CUSTOM = (
    '{"channels": {"credit": {"rate_percent": 0.6}, "debit": {"rate_percent": 0.5, "cap": 25}}}'
)


def run(*args: str, timeout: float = 20) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "calculator", *args],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
        timeout=timeout,
    )


def write(tmp_path: Path, text: str) -> str:
    path = tmp_path / "s.csv"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_11_a_device_is_refused_at_once_never_read() -> None:
    done = run("reconcile", "/dev/zero", timeout=10)
    assert done.returncode == 2
    assert "设备或管道" in done.stderr and "Traceback" not in done.stderr


def test_11_a_pipe_is_refused_instead_of_waited_on(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    done = run("reconcile", str(fifo), timeout=10)
    assert done.returncode == 2 and "设备或管道" in done.stderr


def test_11_a_large_file_is_refused_before_it_is_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    big = tmp_path / "big.csv"
    with big.open("wb") as file:  # sparse: 1 GB on paper, nothing on disk
        file.truncate(1024**3)
    opened: list[str] = []
    real_open = open
    monkeypatch.setattr(
        "builtins.open", lambda name, *a, **k: opened.append(str(name)) or real_open(name, *a, **k)
    )
    assert main(["reconcile", str(big)]) == 2
    assert str(big) not in opened
    assert capsys.readouterr().err == (
        f"文件太大（1024 MB，上限 {MAX_BYTES // 1024 // 1024} MB）：请按月分开导出后逐个核对。\n"
    )


def test_11_a_folder_is_named_as_a_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["reconcile", str(tmp_path)]) == 2
    assert "是文件夹" in capsys.readouterr().err


def test_9_custom_accepts_json_numbers_exactly(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, statement(*FINE[:2]))
    assert main(["reconcile", path, "--custom", CUSTOM]) == 0
    result = json.loads(capsys.readouterr().out)
    assert (result["plan"], result["checked"]) == ("custom", 2)


@pytest.mark.parametrize(
    "custom", ["{bad", "[1]", '{"channels": {"credit": {"rate_percent": 0.6}}']
)
def test_9_a_bad_custom_is_answered_in_chinese_with_an_example(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], custom: str
) -> None:
    assert main(["reconcile", write(tmp_path, statement(*FINE)), "--custom", custom]) == 2
    err = capsys.readouterr().err
    assert err.startswith("参数不对：--custom ") and '"rate_percent": 0.6' in err


@pytest.mark.parametrize(
    ("name", "fee"), [("信用卡", "60.00"), ("借记卡", "25.00"), ("微信", "38.00")]
)
def test_6_channel_names_in_chinese(
    name: str, fee: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["fee", "10000", "--channel", name]) == 0
    assert json.loads(capsys.readouterr().out)["fee"] == fee


def test_6_channel_alone_keeps_the_recognised_columns(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = "交易时间,交易金额,手续费\n2025-03-01,10000,60\n2025-03-02,10000,66\n"
    assert main(["reconcile", write(tmp_path, text), "--channel", "信用卡"]) == 1
    result = json.loads(capsys.readouterr().out)
    assert (result["rows"], result["checked"], result["flagged"]) == (2, 1, 1)


def test_6_an_unknown_channel_names_the_choices(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = "交易时间,交易金额,手续费\n2025-03-01,10000,60\n"
    assert main(["reconcile", write(tmp_path, text), "--channel", "visa"]) == 2
    err = capsys.readouterr().err
    assert "--channel 认不出“visa”" in err and "信用卡（credit）" in err


def test_argparse_mistakes_are_answered_in_chinese() -> None:
    done = run("fee", "100")
    assert done.returncode == 2 and "缺少参数：--channel" in done.stderr
    done = run("fee", "100", "--channel", "credit", "--nope")
    assert done.returncode == 2 and "不认识的参数：--nope" in done.stderr and "-h" in done.stderr


def test_unknown_columns_name_both_fixes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["reconcile", write(tmp_path, "A,B,C\n1,2,3\n")]) == 2
    err = capsys.readouterr().err
    assert "--map amount=列号" in err and "--channel 信用卡" in err


def test_6_a_clean_export_with_a_total_row_exits_0(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = statement(*FINE, "合计,,,21000.00,88.80,20911.20,")
    assert main(["reconcile", write(tmp_path, text)]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["skipped"] == 1 and result["notices"][0]["code"] == "total_agrees"


def test_6_a_total_row_that_disagrees_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = statement(*FINE, "合计,,,31000.00,88.80,,")
    assert main(["reconcile", write(tmp_path, text)]) == 1
    result = json.loads(capsys.readouterr().out)
    assert result["notices"][0]["code"] == "total_disagrees"
    assert (result["flagged"], result["rejected"]) == (0, 0)


def test_findings_list_skipped_rows_too(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = statement(FINE[0], HIKE, "2025-03-02 10:00:00,T1,信用卡,-100,0,,小店")
    assert main(["reconcile", write(tmp_path, text)]) == 1
    found = json.loads(capsys.readouterr().out)["findings"]
    assert [(f["line"], f["status"]) for f in found] == [(3, "flagged"), (4, "skipped")]
