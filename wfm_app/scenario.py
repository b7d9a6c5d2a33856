"""Settings of a staffing scenario as plain JSON, and their conversion to library objects.

A scenario's service targets are stored as ``{channel: {ServiceTargets field: value}}``
so that they persist in SQLite and can be compared key by key; the library's
``ServiceTargets.from_mapping`` validates them (naming any bad key).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

import pandas as pd

from staffing import schema as S
from staffing.settings import ServiceTargets


def default_targets(channel: str) -> dict[str, Any]:
    """Reasonable starting targets for a channel, guessed from its name.

    ``chat*``: chat with 2 concurrent chats, 80 % in 60 s; ``email``/``ticket``/``case``:
    deferred work answered within 24 h; anything else: voice 80/20. Shrinkage 30 %.
    """
    name = channel.lower()
    if name.startswith("chat"):
        t = ServiceTargets(kind="chat", service_level=0.8, answer_seconds=60.0, concurrency=2, shrinkage=0.3)
    elif any(k in name for k in ("mail", "ticket", "case", "back")):
        t = ServiceTargets(kind="deferred", service_level=None, response_hours=24.0, shrinkage=0.3)
    else:
        t = ServiceTargets(kind="voice", service_level=0.8, answer_seconds=20.0, shrinkage=0.3)
    return asdict(t)


def targets_from_settings(settings: Mapping[str, Mapping[str, Any]]) -> dict[str, ServiceTargets]:
    """``{channel: ServiceTargets}`` from stored settings; raises ``InputError`` naming the bad key."""
    return {ch: ServiceTargets.from_mapping(dict(v), where=f"targets for channel '{ch}'") for ch, v in settings.items()}


@dataclass(frozen=True)
class Knobs:
    """One-knob changes for a what-if (all neutral by default).

    Attributes
    ----------
    volume_pct : float
        Change of contacts in every interval, percent (+10 = 10 % more).
    aht_delta_seconds : float
        Change of average handle time, seconds (added to every interval).
    service_level : float or None
        New service-level share for every queueing channel (e.g. 0.9), or None to keep.
    answer_seconds : float or None
        New service-level threshold, seconds, or None to keep.
    shrinkage_delta : float
        Change of shrinkage, share points (0.05 = +5 points), e.g. a group calling in sick.
    """

    volume_pct: float = 0.0
    aht_delta_seconds: float = 0.0
    service_level: float | None = None
    answer_seconds: float | None = None
    shrinkage_delta: float = 0.0
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.volume_pct > -100:
            raise ValueError(f"volume change: expected a percentage above -100, found {self.volume_pct!r}.")

    def describe(self) -> str:
        parts = []
        if self.volume_pct:
            parts.append(f"volume {self.volume_pct:+g}%")
        if self.aht_delta_seconds:
            parts.append(f"AHT {self.aht_delta_seconds:+g} s")
        if self.service_level is not None or self.answer_seconds is not None:
            parts.append(f"SL {self.service_level if self.service_level is not None else 'same'}"
                         f"/{self.answer_seconds if self.answer_seconds is not None else 'same'} s")
        if self.shrinkage_delta:
            parts.append(f"shrinkage {self.shrinkage_delta * 100:+g} pts")
        return ", ".join(parts) or "no change"


def apply_knobs(
    forecast: pd.DataFrame, settings: Mapping[str, Mapping[str, Any]], knobs: Knobs
) -> tuple[pd.DataFrame, dict[str, dict[str, Any]]]:
    """The forecast and target settings of a what-if: the base ones with ``knobs`` applied.

    Contacts scale by ``1 + volume_pct / 100`` (every contacts column, quantiles included);
    AHT is shifted by ``aht_delta_seconds`` (kept > 0 s); queueing channels get the new
    service level / answer time; every channel's shrinkage moves by ``shrinkage_delta``
    (kept in [0, 0.95]).
    """
    fc = forecast.copy()
    factor = 1.0 + knobs.volume_pct / 100.0
    for col in fc.columns:
        if col == S.CONTACTS or col.startswith(S.CONTACTS + "_p") or col == "contacts_statistical":
            fc[col] = pd.to_numeric(fc[col], errors="coerce") * factor
    if knobs.aht_delta_seconds:
        fc[S.AHT_SECONDS] = (pd.to_numeric(fc[S.AHT_SECONDS], errors="coerce") + knobs.aht_delta_seconds).clip(lower=1.0)
    if S.SHRINKAGE in fc.columns and knobs.shrinkage_delta:
        fc[S.SHRINKAGE] = (fc[S.SHRINKAGE] + knobs.shrinkage_delta).clip(0.0, 0.95)
    new: dict[str, dict[str, Any]] = {}
    for ch, t in settings.items():
        t = dict(t)
        if t.get("kind", "voice") != "deferred":
            if knobs.service_level is not None:
                t["service_level"] = knobs.service_level
            if knobs.answer_seconds is not None:
                t["answer_seconds"] = knobs.answer_seconds
        t["shrinkage"] = min(0.95, max(0.0, float(t.get("shrinkage", 0.0)) + knobs.shrinkage_delta))
        new[ch] = t
    return fc, new


def weeks(forecast: pd.DataFrame) -> list[pd.Timestamp]:
    """Start dates of the 7-day periods of a forecast, counted from its first day."""
    ts = pd.to_datetime(forecast[S.INTERVAL_START])
    first, last = ts.min().normalize(), ts.max().normalize()
    n = int((last - first).days // 7) + 1
    return [first + pd.Timedelta(days=7 * i) for i in range(n)]


def week_slice(forecast: pd.DataFrame, start: pd.Timestamp) -> pd.DataFrame:
    """Rows of ``forecast`` in ``[start, start + 7 days)``."""
    ts = pd.to_datetime(forecast[S.INTERVAL_START])
    mask = (ts >= start) & (ts < start + pd.Timedelta(days=7))
    return forecast.loc[mask.to_numpy()].reset_index(drop=True)
