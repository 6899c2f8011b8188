"""What a user reads: log lines in one format, verify's lines, the seed's progress."""

from __future__ import annotations

import logging

from leaderboard import integrity, logs, sqlapi


def test_a_librarys_log_line_comes_out_in_the_projects_format():
    """APScheduler's and flask-limiter's lines were bare text among logfmt ones (issue 28)."""
    formatter = logs._OneFormat()
    record = logging.LogRecord(
        "apscheduler.executors.default", logging.WARNING, __file__, 1,
        'Run time of job "refresh" was missed by\n0:00:01', None, None,
    )  # fmt: skip
    line = formatter.format(record)
    assert line.startswith("ts=")
    assert " level=warning logger=apscheduler.executors.default " in line
    assert line.endswith("""action="Run time of job 'refresh' was missed by 0:00:01\"""")
    ours = logging.LogRecord("bridge", logging.INFO, __file__, 1, "ts=x level=info", None, None)
    assert formatter.format(ours) == "ts=x level=info"  # structlog rendered it already


def test_verify_says_which_count_is_which_when_redis_disagrees_with_itself():
    line = integrity.Mismatch(
        "redis", "counted_members", "weekly", "2026-11-30T00:00:00Z", expected=12, found=11
    ).line()
    assert line == (
        "redis: counted_members on weekly period 2026-11-30T00:00:00Z: "
        "the board's meta counts 11, the set holds 12"
    )


def test_a_shards_notice_reads_as_one_nodes():
    wrapped = "lb_proxy.seed(3): [sharded_0] REMOTE NOTICE: seed: 25 players on shard 0 of 2"
    assert sqlapi._REMOTE_NOTICE.sub("", wrapped) == "seed: 25 players on shard 0 of 2"
    assert sqlapi._REMOTE_NOTICE.sub("", "seed: analyze in 0.1 s") == "seed: analyze in 0.1 s"
