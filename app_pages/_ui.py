"""Streamlit plumbing shared by the pages: the store, state, error display, downloads.

Only presentation lives here; data logic is in :mod:`wfm_app` (plain Python) and the library.
"""

from __future__ import annotations

import contextlib
import json
import traceback
from pathlib import Path
from typing import Any, Iterator, Mapping

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
    except Exception as exc:  # noqa: BLE001 - the user never sees a traceback
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
def downloads(frames: pd.DataFrame | Mapping[str, pd.DataFrame], name: str, key: str) -> None:
    """CSV and Excel download buttons for one table (or several: CSV of the first, Excel of all)."""
    if isinstance(frames, pd.DataFrame):
        frames = {name: frames}
    first = next(iter(frames.values()))
    c1, c2, _ = st.columns([1, 1, 4])
    c1.download_button(
        "Download CSV", wio.to_csv_bytes(first), file_name=f"{name}.csv", mime="text/csv",
        key=f"dl-csv-{key}", icon=":material/download:",
    )
    try:
        xlsx = wio.to_excel_bytes(dict(frames))
    except ValueError as exc:
        c2.caption(str(exc))
        return
    c2.download_button(
        "Download Excel", xlsx, file_name=f"{name}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key=f"dl-xlsx-{key}", icon=":material/table:",
    )


def source_caption(name: str, label: str) -> None:
    meta = frame_meta(name)
    if meta:
        st.caption(f"{label}: {meta.get('source', 'unknown source')} · saved {meta.get('updated_at', '')} UTC")
