"""The bridge's lag bookkeeping: per-second histograms summed over the last minute."""

from __future__ import annotations

import pytest

from bridge import status as status_module
from bridge.status import LAG_BUCKETS, Status, lag_quantile


def _counts(**by_bound: int) -> list[int]:
    counts = [0] * (len(LAG_BUCKETS) + 1)
    for bound, n in by_bound.items():
        counts[LAG_BUCKETS.index(float(bound.replace("_", ".").lstrip("b")))] += n
    return counts


def test_quantile_interpolates_inside_the_bucket() -> None:
    # 100 lags in (0.01, 0.015]: the median sits halfway through that bucket
    counts = _counts(b0_015=100)
    assert lag_quantile(counts, 0.5, worst=0.015) == pytest.approx(0.0125)
    assert lag_quantile(counts, 0.99, worst=0.015) == pytest.approx(0.01495)


def test_quantile_never_exceeds_the_largest_lag_seen() -> None:
    counts = _counts(b0_1=10)
    assert lag_quantile(counts, 0.99, worst=0.08) == pytest.approx(0.08)


def test_quantile_of_nothing_is_none() -> None:
    assert lag_quantile([0] * (len(LAG_BUCKETS) + 1), 0.5, worst=None) is None


def test_heartbeat_covers_the_last_minute_only(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = {"now": 1_000_000.0}
    monkeypatch.setattr(status_module.time, "time", lambda: clock["now"])
    status = Status("test")
    status.record_changes([clock["now"] - 2.0])  # an old, slow change
    clock["now"] += 30
    status.record_changes([clock["now"] - 0.004] * 99)
    beat = status.heartbeat()
    assert beat["lag_samples_60s"] == "100"
    assert beat["lag_max_ms"] == "2000.00"
    assert 2.5 <= float(beat["lag_p50_ms"]) <= 5.0

    clock["now"] += 45  # the slow change is now 75 s old and out of the window
    status.record_changes([clock["now"] - 0.001])
    beat = status.heartbeat()
    assert beat["lag_samples_60s"] == "100"
    assert float(beat["lag_max_ms"]) < 10
    assert beat["lag_hist_count"] == "101"  # the cumulative histogram keeps everything
