"""The bridge's lag bookkeeping (a cumulative histogram, the last minute from its snapshots)
and the heartbeat type every reader parses."""

from __future__ import annotations

import pytest

from bridge import status as status_module
from bridge.status import Status
from leaderboard.heartbeat import LAG_BUCKETS, Heartbeat, LagHistogram


def _histogram(**by_bound: int) -> LagHistogram:
    counts = [0] * (len(LAG_BUCKETS) + 1)
    for bound, n in by_bound.items():
        counts[LAG_BUCKETS.index(float(bound.replace("_", ".").lstrip("b")))] += n
    return LagHistogram(LAG_BUCKETS, tuple(counts), 0.0)


def test_quantile_interpolates_inside_the_bucket() -> None:
    # 100 lags in (0.01, 0.015]: the median sits halfway through that bucket
    histogram = _histogram(b0_015=100)
    assert histogram.quantile(0.5, worst=0.015) == pytest.approx(0.0125)
    assert histogram.quantile(0.99, worst=0.015) == pytest.approx(0.01495)
    assert histogram.upper_bound(0.5) == 0.015


def test_quantile_never_exceeds_the_largest_lag_seen() -> None:
    assert _histogram(b0_1=10).quantile(0.99, worst=0.08) == pytest.approx(0.08)


def test_quantile_of_nothing_is_none() -> None:
    assert LagHistogram().quantile(0.5) is None
    assert LagHistogram().upper_bound(0.5) is None


def test_a_run_is_the_difference_of_two_snapshots() -> None:
    before = _histogram(b0_01=5)
    after = _histogram(b0_01=7, b0_05=3)
    run = after.minus(before)
    assert run.count == 5
    assert run.upper_bound(0.99) == 0.05
    assert run.cumulative()[-1] == ("+Inf", 5)


def _ticking(monkeypatch: pytest.MonkeyPatch) -> tuple[dict[str, float], Status]:
    clock = {"now": 1_000_000.0}
    monkeypatch.setattr(status_module.time, "time", lambda: clock["now"])
    return clock, Status("test")


def _seconds(clock: dict[str, float], status: Status, n: int) -> None:
    """n seconds pass with a heartbeat each, as the bridge beats every second."""
    for _ in range(n):
        clock["now"] += 1
        status.heartbeat()


def test_heartbeat_covers_the_last_minute_only(monkeypatch: pytest.MonkeyPatch) -> None:
    clock, status = _ticking(monkeypatch)
    status.heartbeat()
    status.record_changes([clock["now"] - 2.0])  # an old, slow change
    _seconds(clock, status, 30)
    status.record_changes([clock["now"] - 0.004] * 99)
    beat = status.heartbeat()
    assert beat.lag_samples_60s == 100
    assert beat.lag_max_ms == pytest.approx(2000.0)
    assert 2.5 <= beat.lag_p50_ms <= 5.0

    _seconds(clock, status, 45)  # the slow change is now 75 s old and out of the window
    status.record_changes([clock["now"] - 0.001])
    beat = status.heartbeat()
    assert beat.lag_samples_60s == 100
    assert beat.lag_max_ms < 10
    assert beat.lag.count == 101  # the cumulative histogram keeps everything
    assert beat.lag.sum == pytest.approx(2.0 + 99 * 0.004 + 0.001)


def test_a_quiet_minute_has_no_lag(monkeypatch: pytest.MonkeyPatch) -> None:
    clock, status = _ticking(monkeypatch)
    status.heartbeat()
    status.record_changes([clock["now"] - 0.5])
    _seconds(clock, status, 61)
    beat = status.heartbeat()
    assert (beat.lag_samples_60s, beat.lag_p99_ms, beat.lag_max_ms) == (0, None, None)
    assert beat.lag.count == 1


def test_heartbeat_round_trips_through_redis_fields() -> None:
    beat = Heartbeat(
        bridge_id="host-1-abc",
        mode="asleep",
        postgres_ok=True,
        redis_ok=False,
        heartbeat_at=1_700_000_000.25,
        changes_total=12,
        lag_samples_60s=3,
        lag_p50_ms=1.5,
        lag_p99_ms=None,
        lag=_histogram(b0_005=3),
    )
    fields = beat.to_fields()
    assert all(isinstance(v, str) for v in fields.values())
    wire = {k.encode(): v.encode() for k, v in fields.items()}  # what HGETALL returns
    assert Heartbeat.from_fields(wire) == beat
    assert not Heartbeat.from_fields(wire).working


def test_a_heartbeat_from_another_version_still_parses() -> None:
    # an older bridge without the sampling fields, a newer one with a field we do not know
    beat = Heartbeat.from_fields({"bridge_id": "old", "mode": "awake", "future_field": "x"})
    assert (beat.bridge_id, beat.mode, beat.sample_mismatches_total) == ("old", "awake", 0)
    assert beat.lag.count == 0
