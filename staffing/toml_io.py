"""Reading TOML settings files with errors that name the file (``tomllib``, standard library)."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from staffing.errors import InputError


def read_toml(path: str | Path) -> dict[str, Any]:
    """Parse a TOML file.

    Raises
    ------
    InputError
        The file is missing or is not valid TOML (the parser's line and column are kept).
    """
    p = Path(path)
    try:
        with p.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise InputError(f"{p}: file not found.") from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{p}: not valid TOML: {exc}.") from None
