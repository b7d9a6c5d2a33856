"""Manager overrides are applied beside the statistical forecast."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from forecasting.errors import InputError
from forecasting.overrides import Override, apply_overrides, read_overrides


@pytest.fixture
def forecast():
    ts = pd.date_range("2026-11-30 08:00", periods=8, freq="15min").append(
        pd.date_range("2026-12-05 08:00", periods=4, freq="15min"))
    return pd.DataFrame({"interval_start": ts, "channel": "voice", "contacts": 10.0, "aht_seconds": 300.0,
                         "contacts_p90": 14.0})


def test_scale_a_date_and_time_range(forecast):
    ov = Override("mailing", scale_percent=20, date_from=dt.date(2026, 11, 30), time_from=dt.time(8, 30),
                  time_to=dt.time(9, 0))
    out = apply_overrides(forecast, [ov])
    assert out["contacts"].tolist()[:4] == [10, 10, 12, 12]
    assert out["contacts_p90"].iloc[2] == pytest.approx(16.8)
    assert (out["contacts_statistical"] == 10).all()
    assert out["override_note"].iloc[2] == "mailing (+20%)" and out["override_note"].iloc[0] == ""
    assert out.attrs["override_matches"] == {"mailing (+20%)": 2}


def test_scale_a_day_type_then_set_an_event_volume(forecast):
    ovs = [Override("weekend promo", scale_percent=-50, weekdays=(5, 6)),
           Override("TV ad", set_contacts=100, date_from=dt.date(2026, 12, 5), time_from=dt.time(8, 0),
                    time_to=dt.time(8, 30))]
    out = apply_overrides(forecast, ovs)
    sat = out[out["interval_start"].dt.day_of_week == 5]
    assert sat["contacts"].tolist() == [50, 50, 5, 5]
    assert sat["override_note"].iloc[0] == "weekend promo (-50%); TV ad (set 100)"
    assert out["contacts"].sum() == pytest.approx(8 * 10 + 100 + 10)


def test_set_volume_on_zero_forecast_spreads_evenly(forecast):
    forecast["contacts"] = 0.0
    out = apply_overrides(forecast, [Override("outage callback", set_contacts=40, date_from=dt.date(2026, 11, 30))])
    assert out["contacts"].iloc[:8].tolist() == [5.0] * 8


def test_invalid_overrides():
    with pytest.raises(InputError, match="exactly one"):
        Override("x", scale_percent=10, set_contacts=5)
    with pytest.raises(InputError, match="> -100"):
        Override("x", scale_percent=-100)
    with pytest.raises(InputError, match="note"):
        Override("", scale_percent=5)


def test_read_overrides_csv(tmp_path):
    p = tmp_path / "ov.csv"
    p.write_text("note,scale_percent,set_contacts,channel,date_from,date_to,weekdays,time_from,time_to\n"
                 "Black Friday,30,,voice,2026-11-27,,,,\n"
                 "evenings,-10,,,,,Mon-Fri,18:00,24:00\n")
    ovs = read_overrides(p)
    assert ovs[0].channel == "voice" and ovs[0].date_from == dt.date(2026, 11, 27) and ovs[0].scale_percent == 30
    assert ovs[1].weekdays == (0, 1, 2, 3, 4) and ovs[1].time_from == dt.time(18, 0)
    bad = tmp_path / "bad.csv"
    bad.write_text("note,scale_percent,date_from\nx,10,30/11/2026\n")
    with pytest.raises(InputError, match=r"row 1 \(CSV line 2\), column 'date_from'"):
        read_overrides(bad)
