"""The ``wfm`` command line: one subcommand per module in :mod:`staffing.commands`.

Each command module defines ``register(subparsers)`` which adds its parser and
sets ``func`` (a callable taking the parsed ``argparse.Namespace`` and returning
an exit code).  Commands only read inputs, call the library and write outputs.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
from collections.abc import Sequence

import staffing.commands
from staffing.errors import InfeasibleError, InputError


def build_parser() -> argparse.ArgumentParser:
    """The ``wfm`` parser with every subcommand found in :mod:`staffing.commands`."""
    parser = argparse.ArgumentParser(
        prog="wfm",
        description=(
            "Contact-centre workforce management: forecast contacts, compute agents required per "
            "interval, build weekly rosters, simulate service and plan headcount."
        ),
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    subparsers.required = True
    for module_info in sorted(pkgutil.iter_modules(staffing.commands.__path__), key=lambda m: m.name):
        if module_info.name.startswith("_"):
            continue
        module = importlib.import_module(f"staffing.commands.{module_info.name}")
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``wfm`` script; returns the process exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except BrokenPipeError:  # output piped into `head` and closed early
        sys.stderr.close()
        return 0
    except (InputError, InfeasibleError, FileNotFoundError, KeyError, ValueError) as exc:
        message = exc.args[0] if isinstance(exc, KeyError) and exc.args else exc
        print(f"wfm {args.command}: error: {message}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
