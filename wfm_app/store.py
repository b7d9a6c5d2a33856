"""Persistence of uploaded data, current settings and named scenarios in one SQLite file.

The database path comes from the environment variable ``WFM_DB_PATH``; by default it is
``~/.wfm/wfm.sqlite``.  Every write is a single transaction (``with connection:``), so a
crash or a concurrent reader never sees half a scenario.  Frames are stored as Parquet
blobs (pyarrow, a dependency of Streamlit), which keeps timestamps and dtypes intact.

Tables
------
``frames(name TEXT PRIMARY KEY, payload BLOB, meta TEXT, updated_at TEXT)``
    The working data: ``history``, ``forecast``, ``agents``, ``roster`` ...
``settings(key TEXT PRIMARY KEY, value TEXT, updated_at TEXT)``
    JSON values: service targets per channel, scheduling rules, plan settings ...
``scenarios(name TEXT PRIMARY KEY, created_at TEXT, settings TEXT, kpis TEXT)``
    A named snapshot of settings (JSON) and headline figures (JSON).
``scenario_frames(scenario TEXT, name TEXT, payload BLOB, PRIMARY KEY (scenario, name))``
    The result tables of a scenario (requirements, coverage, plan ...).
"""

from __future__ import annotations

import datetime as _dt
import io
import json
import os
import sqlite3
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

ENV_VAR = "WFM_DB_PATH"
DEFAULT_PATH = Path.home() / ".wfm" / "wfm.sqlite"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS frames (
    name TEXT PRIMARY KEY, payload BLOB NOT NULL, meta TEXT NOT NULL DEFAULT '{}', updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS settings (
    key TEXT PRIMARY KEY, value TEXT NOT NULL, updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS scenarios (
    name TEXT PRIMARY KEY, created_at TEXT NOT NULL, settings TEXT NOT NULL, kpis TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS scenario_frames (
    scenario TEXT NOT NULL, name TEXT NOT NULL, payload BLOB NOT NULL,
    PRIMARY KEY (scenario, name),
    FOREIGN KEY (scenario) REFERENCES scenarios(name) ON DELETE CASCADE
);
"""


def default_db_path() -> Path:
    """Database path: ``$WFM_DB_PATH`` if set and not empty, else ``~/.wfm/wfm.sqlite``."""
    env = os.environ.get(ENV_VAR, "").strip()
    return Path(env).expanduser() if env else DEFAULT_PATH


def _now() -> str:
    return _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds")


def frame_to_bytes(frame: pd.DataFrame) -> bytes:
    """Serialise a frame to Parquet bytes (index dropped; column names made strings).

    Object columns that Arrow cannot type (mixed values) are stored as text.
    """
    df = frame.reset_index(drop=True).copy()
    df.columns = [str(c) for c in df.columns]
    buf = io.BytesIO()
    try:
        df.to_parquet(buf, index=False)
    except (TypeError, ValueError, ArithmeticError, ImportError) as exc:  # pyarrow errors subclass these
        if isinstance(exc, ImportError):
            raise
        for col in df.columns:
            if df[col].dtype == object:
                df[col] = df[col].map(lambda v: None if v is None else str(v))
        buf = io.BytesIO()
        df.to_parquet(buf, index=False)
    return buf.getvalue()


def frame_from_bytes(payload: bytes) -> pd.DataFrame:
    """Inverse of :func:`frame_to_bytes`."""
    return pd.read_parquet(io.BytesIO(payload))


@dataclass(frozen=True)
class ScenarioRecord:
    """One saved scenario: its name, creation time (UTC ISO 8601), settings and KPIs."""

    name: str
    created_at: str
    settings: dict[str, Any]
    kpis: dict[str, Any]


class Store:
    """SQLite-backed store; one short-lived connection per call (safe across threads).

    Parameters
    ----------
    path : str or Path, optional
        Database file; created with its parent folder when missing. Default
        :func:`default_db_path`.
    """

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path).expanduser() if path is not None else default_db_path()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as con:
            con.executescript(_SCHEMA)

    # -- plumbing -------------------------------------------------------------------------
    def _connect(self) -> sqlite3.Connection:
        con = sqlite3.connect(self.path, timeout=10.0)
        con.execute("PRAGMA foreign_keys = ON")
        return con

    def _tx(self) -> _Tx:
        return _Tx(self._connect())

    # -- frames ---------------------------------------------------------------------------
    def save_frame(self, name: str, frame: pd.DataFrame, meta: Mapping[str, Any] | None = None) -> None:
        """Store (or replace) the working frame ``name`` atomically."""
        payload = frame_to_bytes(frame)
        with self._tx() as con:
            con.execute(
                "INSERT INTO frames(name, payload, meta, updated_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT(name) DO UPDATE SET payload=excluded.payload, meta=excluded.meta, "
                "updated_at=excluded.updated_at",
                (name, payload, json.dumps(dict(meta or {}), default=str), _now()),
            )

    def load_frame(self, name: str) -> pd.DataFrame | None:
        """The stored frame ``name``, or None."""
        with self._tx() as con:
            row = con.execute("SELECT payload FROM frames WHERE name = ?", (name,)).fetchone()
        return None if row is None else frame_from_bytes(row[0])

    def frame_meta(self, name: str) -> dict[str, Any] | None:
        """The metadata stored with frame ``name`` (e.g. its source file), or None."""
        with self._tx() as con:
            row = con.execute("SELECT meta, updated_at FROM frames WHERE name = ?", (name,)).fetchone()
        if row is None:
            return None
        meta = json.loads(row[0])
        meta.setdefault("updated_at", row[1])
        return meta

    def delete_frame(self, name: str) -> None:
        with self._tx() as con:
            con.execute("DELETE FROM frames WHERE name = ?", (name,))

    def frame_names(self) -> list[str]:
        with self._tx() as con:
            return [r[0] for r in con.execute("SELECT name FROM frames ORDER BY name")]

    def save_bundle(
        self,
        frames: Mapping[str, pd.DataFrame | None],
        settings: Mapping[str, Any] | None = None,
        meta: Mapping[str, Any] | None = None,
    ) -> None:
        """Replace several frames (None deletes one) and settings in ONE transaction (e.g. a roster result)."""
        blobs = {k: (None if v is None else frame_to_bytes(v)) for k, v in frames.items()}
        now = _now()
        with self._tx() as con:
            for name, payload in blobs.items():
                if payload is None:
                    con.execute("DELETE FROM frames WHERE name = ?", (name,))
                else:
                    con.execute(
                        "INSERT INTO frames(name, payload, meta, updated_at) VALUES (?, ?, ?, ?) "
                        "ON CONFLICT(name) DO UPDATE SET payload=excluded.payload, meta=excluded.meta, "
                        "updated_at=excluded.updated_at",
                        (name, payload, json.dumps(dict(meta or {}), default=str), now),
                    )
            for key, value in (settings or {}).items():
                con.execute(
                    "INSERT INTO settings(key, value, updated_at) VALUES (?, ?, ?) "
                    "ON CONFLICT(key) DO UPDATE SET value=excluded.value, updated_at=excluded.updated_at",
                    (key, json.dumps(value, default=str), now),
                )

    # -- settings -------------------------------------------------------------------------
    def save_setting(self, key: str, value: Any) -> None:
        """Store a JSON-serialisable setting."""
        text = json.dumps(value, default=str)
        with self._tx() as con:
            con.execute(
                "INSERT INTO settings(key, value, updated_at) VALUES (?, ?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value=excluded.value, updated_at=excluded.updated_at",
                (key, text, _now()),
            )

    def load_setting(self, key: str, default: Any = None) -> Any:
        with self._tx() as con:
            row = con.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        return default if row is None else json.loads(row[0])

    # -- scenarios ------------------------------------------------------------------------
    def save_scenario(
        self,
        name: str,
        settings: Mapping[str, Any],
        kpis: Mapping[str, Any],
        frames: Mapping[str, pd.DataFrame] | None = None,
    ) -> None:
        """Save (or overwrite) scenario ``name`` with its settings, KPIs and tables, in one transaction."""
        name = name.strip()
        if not name:
            raise ValueError("scenario name: expected a non-empty name, found an empty one.")
        blobs = {k: frame_to_bytes(v) for k, v in (frames or {}).items()}
        with self._tx() as con:
            con.execute("DELETE FROM scenarios WHERE name = ?", (name,))
            con.execute(
                "INSERT INTO scenarios(name, created_at, settings, kpis) VALUES (?, ?, ?, ?)",
                (name, _now(), json.dumps(dict(settings), default=str), json.dumps(dict(kpis), default=_json_num)),
            )
            con.executemany(
                "INSERT INTO scenario_frames(scenario, name, payload) VALUES (?, ?, ?)",
                [(name, k, b) for k, b in blobs.items()],
            )

    def list_scenarios(self) -> list[ScenarioRecord]:
        """Every saved scenario, oldest first."""
        with self._tx() as con:
            rows = con.execute("SELECT name, created_at, settings, kpis FROM scenarios ORDER BY created_at, name").fetchall()
        return [ScenarioRecord(r[0], r[1], json.loads(r[2]), json.loads(r[3])) for r in rows]

    def scenario(self, name: str) -> ScenarioRecord | None:
        with self._tx() as con:
            r = con.execute("SELECT name, created_at, settings, kpis FROM scenarios WHERE name = ?", (name,)).fetchone()
        return None if r is None else ScenarioRecord(r[0], r[1], json.loads(r[2]), json.loads(r[3]))

    def scenario_frame(self, scenario: str, name: str) -> pd.DataFrame | None:
        with self._tx() as con:
            r = con.execute(
                "SELECT payload FROM scenario_frames WHERE scenario = ? AND name = ?", (scenario, name)
            ).fetchone()
        return None if r is None else frame_from_bytes(r[0])

    def delete_scenario(self, name: str) -> None:
        with self._tx() as con:
            con.execute("DELETE FROM scenarios WHERE name = ?", (name,))

    def clear(self) -> None:
        """Remove everything (used by the 'reset' button and tests)."""
        with self._tx() as con:
            for table in ("scenario_frames", "scenarios", "frames", "settings"):
                con.execute(f"DELETE FROM {table}")


def _json_num(value: Any) -> Any:
    """JSON fallback for numpy scalars and other objects."""
    try:
        return float(value)
    except (TypeError, ValueError):
        return str(value)


class _Tx:
    """Context manager: commit on success, roll back on error, always close."""

    def __init__(self, con: sqlite3.Connection) -> None:
        self.con = con

    def __enter__(self) -> sqlite3.Connection:
        self.con.execute("BEGIN")
        return self.con

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        try:
            if exc_type is None:
                self.con.commit()
            else:
                self.con.rollback()
        finally:
            self.con.close()


def iter_scenario_names(store: Store) -> Iterator[str]:
    """Names of the saved scenarios, oldest first."""
    for rec in store.list_scenarios():
        yield rec.name
