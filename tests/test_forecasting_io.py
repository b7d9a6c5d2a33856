"""Validation, gap reporting, resampling and contact-record aggregation of forecasting.io."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from forecasting.errors import InputError
from forecasting.io import (
    aggregate_contact_records,
    fill_gaps,
    gap_report,
    read_history,
    resample_history,
    validate_history,
)


def _frame(times, contacts, **extra):
    return pd.DataFrame({"interval_start": times, "contacts": contacts, **extra})


def _day(day="2026-03-02", start="08:00", n=8, step=15):
    return [t.strftime("%Y-%m-%dT%H:%M") for t in pd.date_range(f"{day} {start}", periods=n, freq=f"{step}min")]


def test_valid_history_is_normalised():
    h = validate_history(_frame(_day(), [1, 2, 3, 4, 5, 6, 7, 8], aht_seconds=[300.0] * 8))
    assert list(h.columns) == ["interval_start", "channel", "contacts", "aht_seconds"]
    assert h.attrs["interval_minutes"] == 15
    assert (h["channel"] == "voice").all()
    assert h["contacts"].sum() == 36


def test_vendor_column_names_are_renamed():
    h = validate_history(pd.DataFrame({"timestamp": _day(), "calls": range(8)}))
    assert h["contacts"].sum() == 28


def test_unparseable_timestamp_names_row():
    times = _day()
    times[3] = "2026-03-02 25:99"
    with pytest.raises(InputError, match=r"row 4 \(CSV line 5\), column 'interval_start'.*25:99"):
        validate_history(_frame(times, range(8)))


def test_empty_timestamp_names_row():
    times = _day()
    times[0] = ""
    with pytest.raises(InputError, match=r"row 1 \(CSV line 2\).*empty"):
        validate_history(_frame(times, range(8)))


def test_duplicate_timestamp_names_both_rows():
    times = _day()
    times[5] = times[2]
    with pytest.raises(InputError, match=r"row 6 \(CSV line 7\).*duplicate interval.*first seen at row 3"):
        validate_history(_frame(times, range(8)))


def test_same_time_in_two_channels_is_not_a_duplicate():
    times = _day() * 2
    h = validate_history(_frame(times, range(16), channel=["voice"] * 8 + ["chat"] * 8))
    assert len(h) == 16


def test_negative_count_names_row():
    with pytest.raises(InputError, match=r"row 3 \(CSV line 4\), column 'contacts'.*>= 0.*-2"):
        validate_history(_frame(_day(), [1, 2, -2, 4, 5, 6, 7, 8]))


def test_non_numeric_count_names_row():
    with pytest.raises(InputError, match=r"row 2 \(CSV line 3\), column 'contacts'.*'many'"):
        validate_history(_frame(_day(), [1, "many", 2, 4, 5, 6, 7, 8]))


def test_non_positive_aht_names_row():
    with pytest.raises(InputError, match=r"row 8 \(CSV line 9\), column 'aht_seconds'"):
        validate_history(_frame(_day(), range(8), aht_seconds=[300.0] * 7 + [0.0]))


def test_missing_column_is_reported():
    with pytest.raises(InputError, match="missing column.*contacts"):
        validate_history(pd.DataFrame({"interval_start": _day(), "volume": range(8)}))


def test_off_grid_timestamp_is_mixed_interval_length():
    times = _day(n=8)
    times[4] = "2026-03-02T09:05"
    with pytest.raises(InputError, match=r"row 5 .*not on the 15-minute grid.*mixed interval lengths"):
        validate_history(_frame(times, range(8)))


def test_day_exported_at_other_length_is_mixed_interval_length():
    times = _day("2026-03-02", n=12) + _day("2026-03-03", n=12) + _day("2026-03-04", n=6, step=30)
    with pytest.raises(InputError, match=r"mixed interval lengths.*30-minute intervals on 2026-03-04"):
        validate_history(_frame(times, range(30)))


def test_interval_minutes_given_is_checked():
    with pytest.raises(InputError, match="not on the 30-minute grid"):
        validate_history(_frame(_day(), range(8)), interval_minutes=30)


def test_utc_offsets_are_wall_clock_and_dst_repeats_are_merged():
    # US autumn change 2026-11-01: 01:00-02:00 happens at -04:00 and again at -05:00
    times = ["2026-11-01T00:30-04:00", "2026-11-01T01:00-04:00", "2026-11-01T01:30-04:00",
             "2026-11-01T01:00-05:00", "2026-11-01T01:30-05:00", "2026-11-01T02:00-05:00"]
    h = validate_history(_frame(times, [1, 2, 3, 4, 5, 6], aht_seconds=[100.0, 100, 100, 300, 300, 100]),
                         interval_minutes=30)
    assert h.attrs["dst_merged_rows"] == 2
    assert list(h["contacts"]) == [1, 6, 8, 6]
    assert h["aht_seconds"].iloc[1] == pytest.approx((2 * 100 + 4 * 300) / 6)  # contact-weighted
    assert h["interval_start"].dt.tz is None


def test_same_instant_twice_with_offsets_is_a_duplicate():
    times = ["2026-03-02T08:00+01:00", "2026-03-02T07:00+00:00", "2026-03-02T08:15+01:00"]
    with pytest.raises(InputError, match="duplicate timestamp"):
        validate_history(_frame(times, [1, 2, 3]), timezone="Europe/Paris")


def test_read_history_file_errors(tmp_path):
    with pytest.raises(InputError, match="file not found"):
        read_history(tmp_path / "nope.csv")
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    with pytest.raises(InputError, match="empty"):
        read_history(empty)


def _weeks_history(weeks=4):
    days = pd.date_range("2026-03-02", periods=7 * weeks, freq="D")
    rows = []
    for d in days:
        if d.day_of_week == 6:
            continue  # closed Sundays
        hours = (8, 20) if d.day_of_week < 5 else (9, 13)
        for t in pd.date_range(d + pd.Timedelta(hours=hours[0]), d + pd.Timedelta(hours=hours[1]), freq="15min",
                               inclusive="left"):
            rows.append((t, 10.0))
    return pd.DataFrame(rows, columns=["interval_start", "contacts"])


def test_gap_report_tells_gaps_missing_days_and_closed_hours():
    h = _weeks_history()
    gap = (h["interval_start"] >= "2026-03-11 12:00") & (h["interval_start"] < "2026-03-11 13:30")
    missing_day = h["interval_start"].dt.normalize() == pd.Timestamp("2026-03-17")
    h = validate_history(h.loc[~gap & ~missing_day])
    rep = gap_report(h)
    gaps = rep.gaps.sort_values("start").reset_index(drop=True)
    assert len(gaps) == 2
    assert (gaps.loc[0, "kind"], gaps.loc[0, "n_intervals"]) == ("gap", 6)
    assert gaps.loc[0, "start"] == pd.Timestamp("2026-03-11 12:00")
    assert gaps.loc[0, "end"] == pd.Timestamp("2026-03-11 13:30")
    assert (gaps.loc[1, "kind"], gaps.loc[1, "n_intervals"]) == ("missing_day", 48)
    hours = rep.opening_hours.set_index("weekday")
    assert (hours.loc["Mon", "open_from"], hours.loc["Mon", "open_to"]) == ("08:00", "20:00")
    assert (hours.loc["Sat", "open_from"], hours.loc["Sat", "open_to"]) == ("09:00", "13:00")
    assert hours.loc["Sun", "open_intervals"] == 0  # closed all day: not reported as gaps
    assert "1 gap run(s) = 6 intervals" in rep.summary()


def test_fill_gaps_treatments():
    h = _weeks_history()
    gap = (h["interval_start"] >= "2026-03-11 12:00") & (h["interval_start"] < "2026-03-11 13:00")
    h = validate_history(h.loc[~gap])
    assert len(fill_gaps(h, "leave")) == len(h)
    z = fill_gaps(h, "zero")
    assert z.attrs["filled_intervals"] == 4 and z["contacts"].sum() == h["contacts"].sum()
    s = fill_gaps(h, "seasonal")
    assert s["contacts"].sum() == h["contacts"].sum() + 40
    with pytest.raises(InputError, match="gap treatment"):
        fill_gaps(h, "guess")  # type: ignore[arg-type]


@pytest.mark.parametrize("target", [5, 15, 30, 60])
def test_resample_keeps_totals_and_weights_aht(target):
    times = _day(n=8)
    h = validate_history(_frame(times, [1, 3, 0, 4, 2, 2, 5, 7], aht_seconds=[100.0, 200, np.nan, 300, 100, 100,
                                                                            200, 400]))
    r = resample_history(h, target)
    assert r["contacts"].sum() == pytest.approx(24)
    assert r.attrs["interval_minutes"] == target
    if target == 30:
        assert list(r["contacts"]) == [4, 4, 4, 12]
        assert r["aht_seconds"].iloc[0] == pytest.approx((100 + 3 * 200) / 4)
    if target == 5:
        assert len(r) == 24 and r["contacts"].iloc[:3].tolist() == pytest.approx([1 / 3] * 3)


def test_resample_rejects_unsupported_length():
    h = validate_history(_frame(_day(), range(8)))
    with pytest.raises(InputError, match="one of"):
        resample_history(h, 20)


def test_aggregate_contact_records():
    rec = pd.DataFrame({
        "arrival_time": ["2026-03-02T08:01:10", "2026-03-02T08:14:59", "2026-03-02T08:15:00", "2026-03-02T08:40:00"],
        "handle_seconds": [100, 300, None, 50],
        "channel": ["voice", "voice", "voice", "chat"],
    })
    h = aggregate_contact_records(rec, interval_minutes=15)
    voice = h[h["channel"] == "voice"].reset_index(drop=True)
    assert voice["contacts"].tolist() == [2, 1]
    assert voice["aht_seconds"].iloc[0] == 200
    assert np.isnan(voice["aht_seconds"].iloc[1])  # abandoned: no handle time
    assert h[h["channel"] == "chat"]["interval_start"].iloc[0] == pd.Timestamp("2026-03-02 08:30")
    with pytest.raises(InputError, match="arrival_time"):
        aggregate_contact_records(rec.rename(columns={"arrival_time": "t"}))
