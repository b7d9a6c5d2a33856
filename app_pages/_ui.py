"""Streamlit plumbing shared by the pages: the store, state, error display, downloads.

Only presentation lives here; data logic is in :mod:`wfm_app` (plain Python) and the library.
"""

from __future__ import annotations

import contextlib
import json
import traceback
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from wfm_app import io as wio
from wfm_app.store import Store, default_db_path

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "data"
SAMPLE_HISTORY = DATA_DIR / "sample_history.csv"
SAMPLE_FORECAST = DATA_DIR / "sample_forecast.csv"
SAMPLE_AGENTS = DATA_DIR / "agents.csv"
SAMPLE_RULES = DATA_DIR / "rules.toml"
SAMPLE_PLAN = DATA_DIR / "plan.toml"


@st.cache_resource(show_spinner=False)
def _store(path: str) -> Store:
    return Store(path)


def store() -> Store:
    """The SQLite store at ``$WFM_DB_PATH`` (default ``~/.wfm/wfm.sqlite``)."""
    return _store(str(default_db_path()))


# -- errors -------------------------------------------------------------------------------
def _library_errors() -> tuple[type[BaseException], ...]:
    types: list[type[BaseException]] = [ValueError, KeyError, TypeError, wio.UploadError]
    with contextlib.suppress(ImportError):
        from staffing.errors import InfeasibleError, InputError

        types += [InputError, InfeasibleError]
    with contextlib.suppress(ImportError):
        from forecasting.errors import InputError as FInputError

        types.append(FInputError)
    return tuple(types)


def show_error(action: str, exc: BaseException) -> None:
    """Show ``exc`` as an error message (library input errors as they are; others with their type)."""
    if isinstance(exc, _library_errors()):
        msg = str(exc).strip().strip("'\"") or type(exc).__name__
        st.error(f"**{action}:** {msg}", icon=":material/error:")
    else:
        traceback.print_exception(exc)
        st.error(
            f"**{action}** failed unexpectedly ({type(exc).__name__}: {exc}). "
            "The previous results are kept; the details are in the server log.",
            icon=":material/error:",
        )


@contextlib.contextmanager
def user_errors(action: str) -> Iterator[None]:
    """Show any error of ``action`` as a message, never a traceback.

    Library input errors (``InputError``, ``ValueError``) are shown as they are: their
    messages name the file, row, column or key. Anything else is reported as an
    unexpected failure with its type and message; the details go to the server log.
    """
    try:
        yield
    except Exception as exc:
        show_error(action, exc)


def not_available(reason: str, what: str) -> None:
    """The notice shown by a page whose library package is missing from this build."""
    st.info(f"**{what} is not available in this build.** {reason}", icon=":material/extension_off:")


# -- state --------------------------------------------------------------------------------
def get_frame(name: str) -> pd.DataFrame | None:
    """A working frame: the session copy, else the stored one, else None."""
    key = f"frame:{name}"
    if key not in st.session_state:
        st.session_state[key] = store().load_frame(name)
    return st.session_state[key]


def put_frame(name: str, frame: pd.DataFrame | None, meta: Mapping[str, Any] | None = None) -> None:
    """Replace a working frame in the session and in the store (atomically)."""
    if frame is None:
        store().delete_frame(name)
    else:
        store().save_frame(name, frame, meta)
    st.session_state[f"frame:{name}"] = frame
    st.session_state.pop(f"meta:{name}", None)


def frame_meta(name: str) -> dict[str, Any]:
    key = f"meta:{name}"
    if key not in st.session_state:
        st.session_state[key] = store().frame_meta(name) or {}
    return st.session_state[key]


def get_setting(key: str, default: Any = None) -> Any:
    skey = f"setting:{key}"
    if skey not in st.session_state:
        st.session_state[skey] = store().load_setting(key, default)
    return st.session_state[skey]


def put_setting(key: str, value: Any) -> None:
    """Persist a setting when it changed (JSON comparison)."""
    skey = f"setting:{key}"
    old = st.session_state.get(skey, None)
    if json.dumps(old, default=str, sort_keys=True) != json.dumps(value, default=str, sort_keys=True):
        store().save_setting(key, value)
    st.session_state[skey] = value


# -- downloads ----------------------------------------------------------------------------
def safe_bytes(make: Any) -> Any:
    """A download callable that never raises (it runs in its own thread): on failure the file
    holds the error message instead, and the details go to the server log."""

    def run() -> bytes:
        try:
            return make()
        except Exception as exc:
            traceback.print_exc()
            return f"The file could not be built: {type(exc).__name__}: {exc}\n".encode()

    return run


def downloads(frames: pd.DataFrame | Mapping[str, pd.DataFrame], name: str, key: str) -> None:
    """CSV and Excel download buttons for one table (or several: CSV of the first, Excel of all)."""
    if isinstance(frames, pd.DataFrame):
        frames = {name: frames}
    frames = dict(frames)
    first = next(iter(frames.values()))
    c1, c2, _ = st.columns([1, 1, 4])
    # callables: the file is built only when the button is clicked (large tables stay cheap)
    c1.download_button(
        "Download CSV", safe_bytes(lambda: wio.to_csv_bytes(first)), file_name=f"{name}.csv", mime="text/csv",
        key=f"dl-csv-{key}", icon=":material/download:", on_click="ignore",
    )
    too_big = [n for n, f in frames.items() if len(f) > wio.EXCEL_MAX_ROWS]
    if too_big:
        c2.caption(f"{', '.join(too_big)}: too many rows for Excel; use CSV.")
        return
    c2.download_button(
        "Download Excel", safe_bytes(lambda: wio.to_excel_bytes(frames)), file_name=f"{name}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key=f"dl-xlsx-{key}", icon=":material/table:", on_click="ignore",
    )


def source_caption(name: str, label: str) -> None:
    meta = frame_meta(name)
    if meta:
        st.caption(f"{label}: {meta.get('source', 'unknown source')} · saved {meta.get('updated_at', '')} UTC")


# -- shared computations (cached; the library does the work) ------------------------------
@st.cache_data(show_spinner=False, max_entries=2)
def _sample_forecast(path: str, mtime: float) -> pd.DataFrame:
    from staffing.schema import validate_forecast

    return validate_forecast(pd.read_csv(path), source=Path(path).name)


@st.cache_data(show_spinner=False, max_entries=2)
def _sample_history(path: str, mtime: float) -> pd.DataFrame:
    from wfm_app import adapters

    return adapters.validate_history(pd.read_csv(path), source=Path(path).name)


def load_sample_history() -> pd.DataFrame | None:
    """Make the built-in sample the history in use (and drop any forecast made from another history)."""
    if not SAMPLE_HISTORY.exists():
        st.error(f"The sample history {SAMPLE_HISTORY} is missing from this build.")
        return None
    hist = None
    with user_errors("Loading the sample history"):
        hist = _sample_history(str(SAMPLE_HISTORY), SAMPLE_HISTORY.stat().st_mtime)
        put_frame("history", hist, {"source": f"built-in sample ({SAMPLE_HISTORY.name})", "rows": len(hist)})
        put_frame("forecast", None)
    return hist


def current_history() -> pd.DataFrame | None:
    """The history in use; the built-in sample on a first start."""
    hist = get_frame("history")
    if hist is None and SAMPLE_HISTORY.exists():
        hist = load_sample_history()
    return hist


def current_forecast() -> pd.DataFrame | None:
    """The forecast in use: the one made or uploaded in this app, else the built-in sample forecast."""
    fc = get_frame("forecast")
    if fc is not None:
        return fc
    source = str(frame_meta("history").get("source", ""))
    if SAMPLE_FORECAST.exists() and (not source or source.startswith("built-in sample")):
        # the sample forecast belongs to the sample history; your own history needs its own forecast
        with user_errors("Loading the sample forecast"):
            fc = _sample_forecast(str(SAMPLE_FORECAST), SAMPLE_FORECAST.stat().st_mtime)
            put_frame("forecast", fc, {"source": f"built-in sample ({SAMPLE_FORECAST.name})"})
            return fc
    return None


@st.cache_data(show_spinner=False, max_entries=64)
def compute_requirements(forecast: pd.DataFrame, settings: dict) -> pd.DataFrame:
    """``staffing.requirements`` for a forecast and target settings ``{channel: {field: value}}``."""
    from staffing import requirements
    from wfm_app.scenario import targets_from_settings

    return requirements(forecast, targets_from_settings(settings))


def staffing_inputs() -> dict[str, Any] | None:
    """The staffing inputs in use: week forecast, target settings per channel, week label, hours per FTE.

    Reads the persisted settings of the Staffing page (defaults per channel where none were saved).
    """
    from wfm_app import scenario

    fc = current_forecast()
    if fc is None:
        return None
    channels = sorted(fc["channel"].astype(str).unique()) if "channel" in fc else ["voice"]
    saved = get_setting("targets", {}) or {}
    settings = {ch: {**scenario.default_targets(ch), **saved.get(ch, {})} for ch in channels}
    starts = scenario.weeks(fc)
    labels = [f"{w:%a %d %b %Y}" for w in starts]
    label = get_setting("week_start", None)
    if label not in labels:
        label = labels[0]
    return {
        "forecast": fc,
        "week": scenario.week_slice(fc, starts[labels.index(label)]),
        "settings": settings,
        "week_label": label,
        "hours_per_fte": float(get_setting("hours_per_fte", 37.5)),
    }


# -- roster persistence and simulation ----------------------------------------------------
def refresh_roster() -> None:
    """Forget this session's copies of the roster result (after a background save)."""
    from wfm_app import roster_io

    for name in [*roster_io.FRAME_NAMES.values(), roster_io.SIMULATION_FRAME]:
        st.session_state.pop(f"frame:{name}", None)
        st.session_state.pop(f"meta:{name}", None)
    st.session_state.pop(f"setting:{roster_io.META_KEY}", None)


def load_roster() -> dict[str, Any] | None:
    """The last roster (frames and meta), or None."""
    meta = get_setting("roster_meta", None)
    if not meta:
        return None
    return {"meta": meta, "roster": get_frame("roster"), "coverage": get_frame("roster_coverage"),
            "wide": get_frame("roster_wide")}


def simulate_roster(week: pd.DataFrame, roster: pd.DataFrame, channel: str, target: Mapping[str, Any],
                    replications: int, absence: float, *, distribution: str = "exponential",
                    cv: float = 1.0) -> Any:
    """``staffing.simulation.simulate`` of one channel's week against the roster (seeded)."""
    from staffing import simulation

    settings = simulation.SimulationSettings(
        replications=int(replications),
        answer_seconds=float(target.get("answer_seconds", 20.0)),
        patience_seconds=target.get("patience_seconds"),
        absence_probability=float(absence),
        handle_time_distribution=distribution,  # type: ignore[arg-type]
        handle_time_cv=float(cv),
        service_level_definition=str(target.get("service_level_definition", "offered")),
        seed=0,
    )
    fc = week[week["channel"].astype(str) == channel] if "channel" in week else week
    result = simulation.simulate(fc, roster=roster, settings=settings, channel=channel)
    return result, simulation.compare_with_erlang(result)


def record_simulation(out: Any) -> dict[str, Any]:
    """Store a simulation's per-interval comparison and its period service level in the roster meta."""
    result, comp = out
    table = pd.DataFrame({
        "interval_start": comp["interval_start"],
        "erlang": comp["erlang_service_level"],
        "simulated": comp["simulated_service_level"],
        "simulated_lower": comp["simulated_service_level_lower"],
        "simulated_upper": comp["simulated_service_level_upper"],
    })
    put_frame("roster_simulation", table)
    meta = dict(get_setting("roster_meta", {}) or {})
    per = result.period.iloc[0]
    meta["simulated_service_level"] = float(per["service_level"])
    meta["simulated_note"] = (
        f"{result.settings.replications} replications; 95% CI {100 * float(per['service_level_lower']):.1f}%"
        f" - {100 * float(per['service_level_upper']):.1f}%"
    )
    put_setting("roster_meta", meta)
    return meta
