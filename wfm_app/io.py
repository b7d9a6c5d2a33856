"""Uploads in (CSV or Excel, size-limited) and downloads out (CSV, Excel workbook).

Reading only turns bytes into a raw frame; the library validates the content
(``forecasting`` for a history, ``staffing.schema.validate_forecast`` for a forecast,
the scheduler for agents), so that the rules live in one place.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping

import pandas as pd

MAX_UPLOAD_MB = 50
"""Largest accepted upload, megabytes (about three years of 15-minute history for 20 channels)."""

MAX_UPLOAD_BYTES = MAX_UPLOAD_MB * 1024 * 1024
"""The same limit in bytes, checked on the server side too."""

MAX_UPLOAD_ROWS = 2_000_000
"""Largest accepted number of rows in an upload."""

EXCEL_MAX_ROWS = 1_048_575  # one sheet of a workbook, less the header row


class UploadError(ValueError):
    """An upload that cannot be read: wrong type, too large, empty or unparseable."""


def read_table(
    filename: str,
    data: bytes,
    *,
    max_bytes: int | None = None,
    max_rows: int | None = None,
) -> pd.DataFrame:
    """Read an uploaded CSV or Excel file into a frame of raw values.

    Parameters
    ----------
    filename : str
        Name of the uploaded file; its extension (``.csv``, ``.txt``, ``.xlsx``, ``.xls``)
        chooses the reader.
    data : bytes
        File content.
    max_bytes, max_rows : int, optional
        Size limits (default :data:`MAX_UPLOAD_BYTES`, :data:`MAX_UPLOAD_ROWS`); larger files
        are refused before (bytes) or after (rows) parsing.

    Returns
    -------
    pandas.DataFrame
        Column names stripped of surrounding spaces; values as read.

    Raises
    ------
    UploadError
        Naming the file and what is wrong: too large, empty, unknown type, unreadable.
    """
    max_bytes = MAX_UPLOAD_BYTES if max_bytes is None else max_bytes
    max_rows = MAX_UPLOAD_ROWS if max_rows is None else max_rows
    size = len(data)
    if size > max_bytes:
        raise UploadError(
            f"{filename}: the file is {size / 1e6:.1f} MB; the largest accepted upload is "
            f"{max_bytes / 1e6:.0f} MB. Split it or aggregate it to longer intervals."
        )
    if size == 0:
        raise UploadError(f"{filename}: the file is empty; expected a table with a header row.")
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    try:
        if ext in ("csv", "txt"):
            df = pd.read_csv(io.BytesIO(data), sep=None, engine="python") if ext == "txt" else pd.read_csv(
                io.BytesIO(data)
            )
        elif ext in ("xlsx", "xlsm"):
            df = pd.read_excel(io.BytesIO(data), engine="openpyxl")
        else:
            raise UploadError(
                f"{filename}: unknown file type '.{ext}'; expected a CSV (.csv) or an Excel workbook (.xlsx)."
            )
    except UploadError:
        raise
    except pd.errors.EmptyDataError:
        raise UploadError(f"{filename}: the file has no rows; expected a table with a header row.") from None
    except (pd.errors.ParserError, UnicodeDecodeError, ValueError, OSError, KeyError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise UploadError(f"{filename}: could not be read as {'CSV' if ext in ('csv', 'txt') else 'Excel'}: {first}") from None
    except Exception as exc:
        raise UploadError(f"{filename}: could not be read ({type(exc).__name__}: {exc}).") from None
    if len(df) > max_rows:
        raise UploadError(f"{filename}: {len(df):,} rows; the largest accepted upload has {max_rows:,} rows.")
    if df.empty:
        raise UploadError(f"{filename}: the table has a header but no data rows.")
    df.columns = [str(c).strip() for c in df.columns]
    return df


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    """UTF-8 CSV without the index."""
    return frame.to_csv(index=False).encode("utf-8")


def _excel_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """Excel cannot store timezone-aware timestamps: write them as local wall-clock time."""
    df = frame.copy()
    for col in df.columns:
        if isinstance(df[col].dtype, pd.DatetimeTZDtype):
            df[col] = df[col].dt.tz_localize(None)
    return df


def _sheet_name(name: str, used: set[str]) -> str:
    base = re.sub(r"[\[\]\*\?/\\:]", "_", str(name))[:31] or "Sheet"
    out, i = base, 2
    while out in used:
        suffix = f"_{i}"
        out, i = base[: 31 - len(suffix)] + suffix, i + 1
    used.add(out)
    return out


def to_excel_bytes(frames: Mapping[str, pd.DataFrame] | pd.DataFrame, sheet: str = "data") -> bytes:
    """An .xlsx workbook (openpyxl) with one sheet per frame.

    Parameters
    ----------
    frames : DataFrame or mapping of sheet name to DataFrame
        Sheet names are cleaned to Excel's rules (31 characters, no ``[]*?/\\:``).

    Raises
    ------
    UploadError
        If a frame has more rows than an Excel sheet holds (1,048,575).
    """
    if isinstance(frames, pd.DataFrame):
        frames = {sheet: frames}
    buf = io.BytesIO()
    used: set[str] = set()
    with pd.ExcelWriter(buf, engine="openpyxl") as writer:
        for name, frame in frames.items():
            if len(frame) > EXCEL_MAX_ROWS:
                raise UploadError(
                    f"table '{name}': {len(frame):,} rows do not fit in an Excel sheet "
                    f"({EXCEL_MAX_ROWS:,}); download it as CSV."
                )
            _excel_safe(frame).to_excel(writer, sheet_name=_sheet_name(name, used), index=False)
    return buf.getvalue()
