"""Service targets per channel, as frozen dataclasses checked on creation."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any, Literal

from staffing.errors import InputError

ChannelKind = Literal["voice", "chat", "deferred"]
_KINDS = ("voice", "chat", "deferred")
_SL_DEFINITIONS = ("offered", "answered", "offered_excl_short_abandons")


@dataclass(frozen=True)
class ServiceTargets:
    """What one channel must achieve in every interval; any combination of targets may be set.

    Parameters
    ----------
    kind : {"voice", "chat", "deferred"}
        ``voice``: one contact per agent, queueing (Erlang C, or Erlang A with ``patience_seconds``).
        ``chat``: an agent serves up to ``concurrency`` chats at once (see Notes).
        ``deferred``: e-mail or tickets answered within ``response_hours`` (workload model, backlog).
    service_level : float or None
        Share of contacts answered within ``answer_seconds``, in (0, 1); e.g. 0.8 for 80/20.
    answer_seconds : float
        Service-level threshold ``T`` in seconds (>= 0).
    max_asa_seconds : float or None
        Largest acceptable average speed of answer, seconds (> 0).
    max_occupancy : float or None
        Largest acceptable occupancy in (0, 1]. For ``deferred`` it is the productive share
        of an agent's interval (default 1).
    max_abandon_rate : float or None
        Largest acceptable share of offered contacts that abandon, in (0, 1); needs
        ``patience_seconds``.
    patience_seconds : float or None
        Mean caller patience in seconds (exponential). When set, Erlang A is used instead of
        Erlang C.
    min_agents : int
        Staff floor in every open interval (>= 0), applied even with zero contacts.
    shrinkage : float
        Share of paid time lost to breaks, meetings, training, absence, in [0, 1). A
        ``shrinkage`` column in the forecast overrides it per interval.
    concurrency : int
        Chats one agent handles at once (``chat`` only; >= 1).
    response_hours : float or None
        Deadline for every deferred item, hours after arrival (``deferred`` only).
    service_level_definition : {"offered", "answered", "offered_excl_short_abandons"}
        With abandonment, the denominator of the service level: all offered contacts
        (default, abandoned ones count as failures), answered contacts only, or offered
        minus contacts that abandoned within ``answer_seconds``.  The last two reward
        abandonment (a queue where most callers hang up answers the rest quickly), so with
        them agents required never goes below the offered load in Erlangs.

    Notes
    -----
    Chat with concurrency is modelled as an M/M/(k n) queue (M/M/(k n)+M with patience): each
    agent contributes ``k`` independent chat slots and ``aht_seconds`` is the handle time of one
    chat *at the usual concurrency*.  The assumption is that handle time does not depend on how
    many chats an agent has open; measure AHT at the concurrency you plan for.
    """

    kind: ChannelKind = "voice"
    service_level: float | None = 0.8
    answer_seconds: float = 20.0
    max_asa_seconds: float | None = None
    max_occupancy: float | None = None
    max_abandon_rate: float | None = None
    patience_seconds: float | None = None
    min_agents: int = 0
    shrinkage: float = 0.0
    concurrency: int = 1
    response_hours: float | None = None
    service_level_definition: str = "offered"

    def __post_init__(self) -> None:
        def bad(key: str, expected: str) -> InputError:
            return InputError(f"service target '{key}': expected {expected}, found {getattr(self, key)!r}.")

        if self.kind not in _KINDS:
            raise bad("kind", f"one of {_KINDS}")
        if self.service_level is not None and not (0.0 < _num(self.service_level, "service_level") < 1.0):
            raise bad("service_level", "a share strictly between 0 and 1 (e.g. 0.8), or None")
        if not (_num(self.answer_seconds, "answer_seconds") >= 0 and math.isfinite(self.answer_seconds)):
            raise bad("answer_seconds", "a number of seconds >= 0")
        if self.max_asa_seconds is not None and not (_num(self.max_asa_seconds, "max_asa_seconds") > 0):
            raise bad("max_asa_seconds", "a number of seconds > 0, or None")
        if self.max_occupancy is not None and not (0.0 < _num(self.max_occupancy, "max_occupancy") <= 1.0):
            raise bad("max_occupancy", "a share in (0, 1], or None")
        if self.max_abandon_rate is not None and not (0.0 < _num(self.max_abandon_rate, "max_abandon_rate") < 1.0):
            raise bad("max_abandon_rate", "a share strictly between 0 and 1, or None")
        if self.patience_seconds is not None and not (_num(self.patience_seconds, "patience_seconds") > 0):
            raise bad("patience_seconds", "a mean patience in seconds > 0, or None")
        if self.max_abandon_rate is not None and self.patience_seconds is None:
            raise InputError(
                "service target 'max_abandon_rate' needs 'patience_seconds' (mean caller patience); "
                "without patience nobody abandons (Erlang C)."
            )
        if isinstance(self.min_agents, bool) or not isinstance(self.min_agents, int) or self.min_agents < 0:
            raise bad("min_agents", "a whole number >= 0")
        if not (0.0 <= _num(self.shrinkage, "shrinkage") < 1.0):
            raise bad("shrinkage", "a share in [0, 1)")
        if isinstance(self.concurrency, bool) or not isinstance(self.concurrency, int) or self.concurrency < 1:
            raise bad("concurrency", "a whole number >= 1")
        if self.kind == "deferred" and (self.response_hours is None or not (_num(self.response_hours, "response_hours") > 0)):
            raise bad("response_hours", "a deadline in hours > 0 for a deferred channel")
        if self.service_level_definition not in _SL_DEFINITIONS:
            raise bad("service_level_definition", f"one of {_SL_DEFINITIONS}")
        if self.kind != "deferred" and self.service_level is None and self.max_asa_seconds is None \
                and self.max_occupancy is None and self.max_abandon_rate is None and self.min_agents == 0:
            raise InputError(
                "service targets: set at least one of service_level, max_asa_seconds, max_occupancy, "
                "max_abandon_rate or min_agents; with none, zero agents would meet them."
            )

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any], *, where: str = "targets") -> ServiceTargets:
        """Build from a dict (e.g. a TOML table), naming unknown keys in the error."""
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(values) - known)
        if unknown:
            raise InputError(f"{where}: unknown key(s) {unknown}; known keys are {sorted(known)}.")
        return cls(**dict(values))


def _num(value: Any, key: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InputError(f"service target '{key}': expected a number, found {value!r}.")
    return float(value)
