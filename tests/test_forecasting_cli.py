"""``wfm forecast`` and ``wfm backtest`` end to end on a small synthetic history."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from forecasting.synthetic import synthetic_history
from staffing.cli import main


@pytest.fixture(scope="module")
def history_csv(tmp_path_factory):
    hist, _ = synthetic_history(start="2026-08-03", days=84, country="US", channels=("voice", "chat"), seed=5)
    hist = hist.assign(interval_start=hist["interval_start"].dt.strftime("%Y-%m-%dT%H:%M"))
    path = tmp_path_factory.mktemp("fc") / "history.csv"
    hist.to_csv(path, index=False)
    return path


def test_wfm_forecast_writes_staffable_forecast(history_csv, tmp_path, capsys):
    out = tmp_path / "forecast.csv"
    ov = tmp_path / "ov.csv"
    ov.write_text("note,scale_percent,channel,date_from\nlaunch,25,voice,2026-10-27\n")
    code = main(["forecast", str(history_csv), "--horizon-days", "7", "--interval-minutes", "30", "--model",
                 "callcentre", "--country", "US", "--quantiles", "0.5,0.9,0.95", "--overrides", str(ov), "-o", str(out)])
    assert code == 0
    f = pd.read_csv(out)
    assert list(f.columns) == ["interval_start", "channel", "contacts", "aht_seconds", "contacts_p50",
                               "contacts_p90", "contacts_p95", "contacts_statistical", "override_note"]
    ts = pd.to_datetime(f["interval_start"])
    assert ts.min() == pd.Timestamp("2026-10-26 08:00") and ts.max() < pd.Timestamp("2026-11-02")
    assert (ts.dt.minute % 30 == 0).all() and set(f["channel"]) == {"voice", "chat"}
    assert (f["contacts_p95"] >= f["contacts_p90"]).all()
    launch = (ts.dt.normalize() == pd.Timestamp("2026-10-27")) & (f["channel"] == "voice")
    assert (f.loc[launch, "contacts"] / f.loc[launch, "contacts_statistical"]).round(2).eq(1.25).all()
    assert f.loc[~launch, "override_note"].isna().all()
    assert "model for voice: callcentre" in capsys.readouterr().out
    # the staffing engine accepts it as is
    from staffing.requirements import requirements
    from staffing.settings import ServiceTargets

    req = requirements(f.head(20), ServiceTargets())
    assert (req["agents_required"] >= 0).all()


def test_wfm_forecast_auto_and_backtest(history_csv, capsys):
    assert main(["backtest", str(history_csv), "--models", "seasonal_naive,callcentre", "--origins", "2"]) == 0
    text = capsys.readouterr().out
    assert "voice" in text and "winner:" in text and "wMAPE" in text


def test_wfm_forecast_reports_bad_input(tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_text("interval_start,contacts\n2026-03-02T08:00,5\n2026-03-02T08:15,-1\n")
    assert main(["forecast", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "wfm forecast: error:" in err and "row 2 (CSV line 3)" in err
    assert main(["forecast", str(tmp_path / "missing.csv")]) == 2


def test_wfm_forecast_from_contact_records(tmp_path):
    rng = np.random.default_rng(0)
    days = pd.date_range("2026-09-07", periods=35, freq="D")
    arrivals = [d + pd.Timedelta(hours=9) + pd.Timedelta(seconds=int(s))
                for d in days for s in rng.uniform(0, 8 * 3600, 200)]
    rec = pd.DataFrame({"arrival_time": [a.strftime("%Y-%m-%dT%H:%M:%S") for a in arrivals],
                        "handle_seconds": rng.exponential(240, len(arrivals)).round(1)})
    path = tmp_path / "records.csv"
    rec.to_csv(path, index=False)
    out = tmp_path / "f.csv"
    assert main(["forecast", str(path), "--contact-records", "--interval-minutes", "60", "--horizon-days", "7",
                 "--model", "weekday_mean", "-o", str(out)]) == 0
    f = pd.read_csv(out)
    assert len(f) == 7 * 8  # 09:00-17:00, every day
    assert f["contacts"].sum() == pytest.approx(7 * 200, rel=0.05)
    assert f["aht_seconds"].between(200, 280).all()
