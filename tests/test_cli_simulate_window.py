"""``wfm simulate --start/--days`` restricts the forecast to the roster's week."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from staffing.cli import main


def _files(tmp_path: Path) -> tuple[Path, Path]:
    starts = pd.date_range("2026-11-29 09:00", periods=8, freq="15min").append(
        pd.date_range("2026-11-30 09:00", periods=8, freq="15min"))
    pd.DataFrame({"interval_start": starts.strftime("%Y-%m-%dT%H:%M"), "contacts": 20.0, "aht_seconds": 180.0}
                 ).to_csv(tmp_path / "f.csv", index=False)
    pd.DataFrame({"interval_start": starts.strftime("%Y-%m-%dT%H:%M"), "agents": [0] * 8 + [6] * 8}
                 ).to_csv(tmp_path / "s.csv", index=False)
    return tmp_path / "f.csv", tmp_path / "s.csv"


def test_window_keeps_only_the_requested_days(tmp_path: Path) -> None:
    forecast, staffing = _files(tmp_path)
    out = tmp_path / "k.csv"
    assert main(["simulate", str(forecast), "--staffing", str(staffing), "--start", "2026-11-30", "--days", "1",
                 "--replications", "5", "-o", str(out)]) == 0
    kpis = pd.read_csv(out)
    assert len(kpis) == 8
    assert kpis["interval_start"].str.startswith("2026-11-30").all()
    # 6 agents for 4 Erlangs: most contacts answered (without the window, the unstaffed Sunday
    # would leave every one of its contacts waiting)
    assert kpis["service_level"].mean() > 0.6


def test_window_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    forecast, staffing = _files(tmp_path)
    assert main(["simulate", str(forecast), "--staffing", str(staffing), "--start", "2027-01-01"]) == 2
    assert "no interval from 2027-01-01" in capsys.readouterr().err
    assert main(["simulate", str(forecast), "--staffing", str(staffing), "--days", "0"]) == 2
    assert "--days" in capsys.readouterr().err
