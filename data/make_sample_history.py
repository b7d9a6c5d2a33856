"""Regenerate ``data/sample_history.csv``: one year of 15-minute contact history, 3 channels.

The weekday level and the intraday shape of the ``voice`` channel come from the real
5-minute call arrivals of a large North American bank (2003), stored in
``/work/shared/datasets/fpp_bank_calls/bank_calls_5min.csv`` (same numbers as R
``fpp3::bank_calls``; see that folder's README for the source).  Everything else
(level, trend, holidays, weekends, chat, email, handle times, noise) is a documented
assumption, listed in ``data/README.md``.  The output is reproducible: fixed seed.

Usage::

    python data/make_sample_history.py [--bank PATH] [-o data/sample_history.csv]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import holidays
import numpy as np
import pandas as pd

SEED = 20261124
START = "2025-11-24"  # Monday
END = "2026-11-22"  # Sunday: a 14-day forecast covers 2026-11-23 .. 2026-12-06
INTERVAL_MINUTES = 15
COUNTRY = "US"
BANK_CSV = Path("/work/shared/datasets/fpp_bank_calls/bank_calls_5min.csv")
HERE = Path(__file__).resolve().parent

#: Opening hours (first slot start, end), local wall-clock, by weekday 0=Mon .. 6=Sun.
VOICE_HOURS = {0: (7, 22), 1: (7, 22), 2: (7, 22), 3: (7, 22), 4: (7, 22), 5: (8, 18), 6: (9, 17)}
CHAT_HOURS = {d: (8, 20) for d in range(7)}
#: Weekend level relative to the mean weekday, per 15 minutes open (assumption).
WEEKEND_LEVEL = {5: 0.45, 6: 0.30}
#: Target mean Monday peak of voice (contacts per 15 minutes) at the start of the year.
VOICE_MONDAY_PEAK = 215.0
TREND_PER_YEAR = 0.08  # +8 % a year
#: Closed on these holidays (no rows); other national holidays run at HOLIDAY_LEVEL.
CLOSED_HOLIDAYS = ("New Year's Day", "Thanksgiving Day", "Christmas Day")
HOLIDAY_LEVEL = 0.55
AFTER_HOLIDAY_LEVEL = 1.20  # catch-up on the next open working day
#: A known one-off event: statement mailing, +35 % voice and chat for two days.
EVENTS = (("statement_mailing", "2026-03-16", "2026-03-17", 1.35),)
#: A data outage: voice rows missing for these intervals (a *gap*, not closed hours).
OUTAGE = ("2026-06-10T13:00", "2026-06-10T15:00")


def bank_shape(path: Path) -> tuple[np.ndarray, np.ndarray]:
    """Weekday factors (Mon..Fri, mean 1) and a 15-minute intraday shape for 07:00-22:00.

    Returns
    -------
    weekday_factor : ndarray, shape (5,)
        Mean calls per 5 minutes of each weekday divided by the mean over weekdays.
    shape : ndarray, shape (60,)
        Mean calls per 15 minutes from 07:00 to 22:00, divided by its maximum.  The bank
        data stop at 21:05; 21:00-22:00 is extrapolated by continuing the 19:00-21:05
        log-linear decline.
    """
    bank = pd.read_csv(path)
    by_day = bank.groupby("weekday")["calls"].mean()
    weekday_factor = by_day.reindex(["Mon", "Tue", "Wed", "Thu", "Fri"]).to_numpy()
    weekday_factor = weekday_factor / weekday_factor.mean()
    five = bank.groupby("interval_index")["calls"].mean().to_numpy()  # 169 values, 07:00..21:00
    fifteen = five[:168].reshape(56, 3).sum(axis=1)  # 07:00 .. 21:00, 56 slots
    tail_x = np.arange(48, 56)  # 19:00 .. 21:00
    slope, intercept = np.polyfit(tail_x, np.log(fifteen[48:56]), 1)
    extra = np.exp(intercept + slope * np.arange(56, 60))
    shape = np.concatenate([fifteen, extra])
    return weekday_factor, shape / shape.max()


def _slot_hours(slot: np.ndarray) -> np.ndarray:
    return slot * INTERVAL_MINUTES / 60.0


def make_history(bank_path: Path = BANK_CSV, seed: int = SEED) -> pd.DataFrame:
    """Build the sample history frame (columns interval_start, channel, contacts, aht_seconds)."""
    rng = np.random.default_rng(seed)
    weekday_factor, shape = bank_shape(bank_path)
    days = pd.date_range(START, END, freq="D")
    years = sorted({d.year for d in days})
    hol = holidays.country_holidays(COUNTRY, years=years)
    slots = np.arange(24 * 60 // INTERVAL_MINUTES)
    hours = _slot_hours(slots)
    frames = []
    closed_days = {d for d in days if hol.get(d.date()) in CLOSED_HOLIDAYS}
    prev_holiday = {d for d in days if (d - pd.Timedelta(days=1)).date() in hol}
    weekday_mean_peak = VOICE_MONDAY_PEAK / weekday_factor[0]
    # one day-level random factor per day shared by all channels (busy days are busy everywhere)
    day_noise = np.exp(rng.normal(0.0, 0.05, len(days)))
    for channel in ("voice", "chat", "email"):
        for i, day in enumerate(days):
            if day in closed_days and channel != "email":
                continue
            dow = day.day_of_week
            t_years = (day - days[0]).days / 365.25
            level = (1 + TREND_PER_YEAR * t_years) * day_noise[i]
            level *= 1 + 0.06 * np.cos(2 * np.pi * (day.day_of_year - 15) / 365.25)  # winter peak
            name = hol.get(day.date())
            if name is not None:
                level *= HOLIDAY_LEVEL if name not in CLOSED_HOLIDAYS else 0.25
            elif day in prev_holiday and dow < 5:
                level *= AFTER_HOLIDAY_LEVEL
            for ev_name, ev_start, ev_end, mult in EVENTS:
                if pd.Timestamp(ev_start) <= day <= pd.Timestamp(ev_end) and channel != "email":
                    level *= mult
            if channel == "voice":
                open_from, open_to = VOICE_HOURS[dow]
                open_mask = (hours >= open_from) & (hours < open_to)
                day_factor = weekday_factor[dow] if dow < 5 else WEEKEND_LEVEL[dow]
                rate = np.zeros(len(slots))
                idx = np.flatnonzero(open_mask)
                # bank shape is indexed from 07:00 in 15-minute slots
                rate[idx] = shape[idx - 7 * 60 // INTERVAL_MINUTES]
                rate *= weekday_mean_peak * day_factor * level
                aht_mean = 285 + 35 * np.clip((hours - 7) / 15, 0, 1) + (12 if dow == 0 else 0)
                aht_sd_contact = 260.0
            elif channel == "chat":
                open_from, open_to = CHAT_HOURS[dow]
                open_mask = (hours >= open_from) & (hours < open_to)
                # chat peaks later than voice: bank shape shifted by 2 hours, flattened
                shifted = np.interp(hours - 2.0, 7 + np.arange(60) * 0.25, shape, left=shape[0], right=shape[-1])
                rate = np.where(open_mask, shifted**0.7, 0.0)
                day_factor = (weekday_factor[dow] if dow < 5 else 0.7 if dow == 5 else 0.55)
                rate *= 70.0 * day_factor * level
                aht_mean = np.full(len(slots), 540.0)
                aht_sd_contact = 300.0
            else:  # email: arrives around the clock, handled in the back office
                open_mask = np.ones(len(slots), bool)
                base = 0.15 + 0.85 * np.exp(-0.5 * ((hours - 11.5) / 3.5) ** 2)
                day_factor = 1.0 if dow < 5 else 0.35
                rate = 24.0 * base * day_factor * level
                aht_mean = np.full(len(slots), 420.0)
                aht_sd_contact = 240.0
            # interval-level over-dispersion: gamma-Poisson with a 6 % coefficient of variation
            lam = rate * rng.gamma(1 / 0.06**2, 0.06**2, len(slots))
            contacts = rng.poisson(lam)
            with np.errstate(invalid="ignore", divide="ignore"):
                aht = aht_mean + rng.normal(0, 1, len(slots)) * aht_sd_contact / np.sqrt(np.maximum(contacts, 1))
            aht = np.where(contacts > 0, np.round(np.maximum(aht, 30.0), 1), np.nan)
            keep = np.flatnonzero(open_mask)
            frames.append(
                pd.DataFrame(
                    {
                        "interval_start": day + pd.to_timedelta(slots[keep] * INTERVAL_MINUTES, unit="min"),
                        "channel": channel,
                        "contacts": contacts[keep],
                        "aht_seconds": aht[keep],
                    }
                )
            )
    out = pd.concat(frames, ignore_index=True)
    o_start, o_end = pd.Timestamp(OUTAGE[0]), pd.Timestamp(OUTAGE[1])
    outage = (out["channel"] == "voice") & (out["interval_start"] >= o_start) & (out["interval_start"] < o_end)
    return out.loc[~outage].reset_index(drop=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bank", type=Path, default=BANK_CSV, help="bank_calls_5min.csv path")
    parser.add_argument("-o", "--output", type=Path, default=HERE / "sample_history.csv", help="CSV to write")
    args = parser.parse_args()
    history = make_history(args.bank)
    history["interval_start"] = history["interval_start"].dt.strftime("%Y-%m-%dT%H:%M")
    history.to_csv(args.output, index=False)
    print(f"wrote {args.output}: {len(history)} rows")


if __name__ == "__main__":
    main()
