"""``wfm staff`` end to end through the real entry point."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from staffing.cli import build_parser, main


def _write_forecast(path: Path, contacts: list[object], freq: str = "30min") -> Path:
    pd.DataFrame(
        {
            "interval_start": pd.date_range("2026-11-30 08:00", periods=len(contacts), freq=freq).strftime("%Y-%m-%dT%H:%M"),
            "contacts": contacts,
            "aht_seconds": 180,
        }
    ).to_csv(path, index=False)
    return path


def test_help_lists_options_with_units(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["staff", "--help"])
    text = capsys.readouterr().out
    for option in ("--service-level", "--answer-seconds", "--max-asa-seconds", "--max-occupancy", "--patience-seconds",
                   "--max-abandon-rate", "--shrinkage", "--interval-minutes"):
        assert option in text
    assert "seconds" in text and "share" in text
    assert "staff" in build_parser().format_help()


def test_staff_writes_requirements(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = _write_forecast(tmp_path / "f.csv", [100, 0, 100])
    out = tmp_path / "r.csv"
    assert main(["staff", str(src), "-o", str(out), "--shrinkage", "0.3"]) == 0
    table = pd.read_csv(out)
    assert table["agents_required"].tolist() == [14, 0, 14]
    assert table["agents_to_schedule"].tolist() == [20, 0, 20]
    assert "peak 20 agents" in capsys.readouterr().out


def test_staff_erlang_a(tmp_path: Path) -> None:
    src = _write_forecast(tmp_path / "f.csv", [100])
    out = tmp_path / "r.csv"
    assert main(["staff", str(src), "-o", str(out), "--patience-seconds", "120", "--interval-minutes", "30"]) == 0
    table = pd.read_csv(out)
    assert table["agents_required"].tolist() == [12]
    assert table["abandon_rate"].iloc[0] == pytest.approx(0.0616, abs=5e-5)


def test_staff_bad_input_message(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = _write_forecast(tmp_path / "f.csv", [10, "ten", 3])
    assert main(["staff", str(src), "-o", str(tmp_path / "r.csv")]) == 2
    err = capsys.readouterr().err
    assert "row 2 (CSV line 3), column 'contacts'" in err and "'ten'" in err
    assert main(["staff", str(tmp_path / "missing.csv")]) == 2
    assert "not found" in capsys.readouterr().err
    assert main(["staff", str(src), "--service-level", "80"]) == 2
    assert "service_level" in capsys.readouterr().err
