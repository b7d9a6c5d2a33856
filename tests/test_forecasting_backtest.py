"""Backtest metrics against a hand-computed example, and the rolling-origin protocol."""

from __future__ import annotations

import numpy as np
import pytest

from forecasting import (
    mase,
    mase_scale,
    rmse,
    rolling_origin_backtest,
    to_grids,
    validate_history,
    wmape,
)
from forecasting.errors import InputError
from forecasting.models import Calendar
from forecasting.synthetic import synthetic_history


def test_metrics_hand_computed():
    actual = [10, 20, 30, 40]
    forecast = [12, 18, 33, 40]
    # |errors| = 2, 2, 3, 0 -> sum 7; sum actual = 100
    assert wmape(actual, forecast) == pytest.approx(0.07)
    # squared errors 4, 4, 9, 0 -> mean 4.25
    assert rmse(actual, forecast) == pytest.approx(np.sqrt(4.25))
    # in-sample 1..6 with season 2: |3-1| = |4-2| = |5-3| = |6-4| = 2 -> scale 2; MAE 1.75
    scale = mase_scale([1, 2, 3, 4, 5, 6], 2)
    assert scale == 2.0
    assert mase(actual, forecast, scale) == pytest.approx(0.875)


def test_metrics_skip_missing_pairs_and_check_lengths():
    assert wmape([10, np.nan, 30], [12, 5, 27]) == pytest.approx(5 / 40)
    with pytest.raises(InputError, match="same length"):
        wmape([1, 2], [1])
    with pytest.raises(InputError, match="season"):
        mase_scale([1, 2], 7)


def test_rolling_origin_scores_every_origin_and_ranks_models():
    hist, _ = synthetic_history(start="2025-01-06", days=140, country=None, seed=2)
    grids = to_grids(validate_history(hist))
    res = rolling_origin_backtest(grids, ("seasonal_naive", "weekday_mean", "callcentre"), calendar=Calendar(),
                                  horizon_days=7, n_origins=3)
    s = res.summary
    assert set(s["model"]) == {"seasonal_naive", "weekday_mean", "callcentre"}
    assert (s["n_origins"] == 3).all()
    # 3 origins x 6 open days x 48 intervals (Mon-Fri 08-20) / 32 (Sat 09-17)
    assert s["n_intervals"].iloc[0] == 3 * (5 * 48 + 32)
    assert len(res.per_origin) == 9
    assert list(res.per_origin["origin"].unique()) == ["2025-05-04", "2025-05-11", "2025-05-18"]  # last row: Sat 2025-05-24
    # Poisson data around a fixed pattern: averaging beats last week
    assert res.winners["voice"] in ("callcentre", "weekday_mean")
    sn = s.set_index("model").loc["seasonal_naive", "wmape"]
    assert s.set_index("model").loc["callcentre", "wmape"] < 0.85 * sn
    # pooled wMAPE equals sum|e| / sum y over origins: recompute from per-origin rows is not additive,
    # but it must lie between the best and worst origin
    po = res.per_origin[res.per_origin["model"] == "callcentre"]["wmape"]
    assert po.min() <= s.set_index("model").loc["callcentre", "wmape"] <= po.max()


def test_rolling_origin_needs_enough_history():
    hist, _ = synthetic_history(start="2025-01-06", days=30, country=None)
    with pytest.raises(InputError, match="too few"):
        rolling_origin_backtest(to_grids(validate_history(hist)), ("seasonal_naive",), n_origins=4)
