"""Input helpers shared by the ``wfm`` subcommands (not a command: the name starts with ``_``)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from staffing.errors import InputError


def read_csv_input(path: Path, what: str = "input") -> pd.DataFrame:
    """Read a CSV file given on the command line, with errors that name the file.

    Raises
    ------
    InputError
        The file is missing, empty, or not parseable as CSV.
    """
    try:
        return pd.read_csv(path)
    except FileNotFoundError:
        raise InputError(f"{path}: {what} file not found.") from None
    except pd.errors.EmptyDataError:
        raise InputError(f"{path}: the {what} file is empty; expected a CSV with a header row.") from None
    except (pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: the {what} file is not a readable CSV ({exc}).") from None
