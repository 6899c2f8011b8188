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
