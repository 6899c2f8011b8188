"""`leaderboard run`'s restart delay for a bridge that exits."""

from leaderboard.supervisor import RestartDelay


def test_crashes_in_a_row_back_off_up_to_the_cap():
    delays = RestartDelay(cap=30, stable_s=60)
    assert [delays.after(ran_for=1) for _ in range(6)] == [2, 4, 8, 16, 30, 30]


def test_a_stable_run_starts_the_backoff_afresh():
    delays = RestartDelay(cap=30, stable_s=60)
    for _ in range(5):
        delays.after(ran_for=1)
    assert delays.after(ran_for=3600) == 2  # it ran an hour: this is a new crash, not a loop
    assert delays.after(ran_for=1) == 4


def test_the_bridges_backoff_is_jittered_under_its_ceiling():
    from leaderboard.backoff import Backoff

    backoff = Backoff(base=0.05, cap=5.0, jitter=True)
    delays = [backoff.next() for _ in range(12)]
    ceilings = [min(5.0, 0.05 * 2**n) for n in range(12)]
    assert all(0 <= d <= c for d, c in zip(delays, ceilings, strict=True))
    assert len(set(delays)) == len(delays)  # drawn, not fixed
    backoff.reset()
    assert backoff.next() <= 0.05


def test_without_jitter_the_delays_double_up_to_the_cap():
    from leaderboard.backoff import Backoff

    backoff = Backoff(base=0.5, cap=10.0)
    assert [backoff.next() for _ in range(7)] == [0.5, 1, 2, 4, 8, 10, 10]
