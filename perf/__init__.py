"""Benchmarks: pgbench scenarios, the write path against its no-NOTIFY baseline, seeding
against a plain reference load, HTTP throughput and latency, and memory.

Every comparison runs its baseline in the same run (this machine is shared and noisy), and
every number in the report comes with the command that produced it.
"""
