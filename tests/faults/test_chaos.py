"""The chaos soak, short: one minute, every fault kind once (back to back), under a steady
load of SQL and HTTP submits and reads. Nothing acknowledged is lost or duplicated, and once
the faults stop, Redis equals PostgreSQL on every board and every board equals its session
log."""

from __future__ import annotations

import json

import pytest

from perf import chaos

pytestmark = pytest.mark.faults


def test_a_one_minute_soak_with_every_fault_loses_nothing(tmp_path):
    result = chaos.Chaos(minutes=1, out=tmp_path).run()
    totals = result["totals"]
    assert totals["acknowledged_sql"] > 100, totals
    assert totals["acknowledged_http"] > 100, totals
    assert totals["lost"] == 0, result["lost_keys"]
    assert totals["duplicated"] == 0
    assert totals["drift"] == 0, result["verify"]
    assert {f["kind"] for f in result["faults"]} == set(chaos.FAULTS)
    assert all(f["converge_s"] is not None for f in result["faults"]), result["faults"]
    # the faults were felt: clients saw errors and retried them
    assert totals["retries"] > 0
    assert result["client_errors"]
    assert json.loads((tmp_path / "report.json").read_text())["totals"] == totals
    assert "| lost" in (tmp_path / "report.md").read_text()
    assert (tmp_path / "timeline.png").stat().st_size > 10_000
