"""The bridge: keeps the Redis rank index equal to PostgreSQL and refreshes the cached top 10.

feed     the PostgreSQL side: snapshots, change reads, the awake claim, LISTEN
syncer   one catch-up step: read changes since the index's cursor, apply them (or rebuild)
status   lag and progress, published as a heartbeat for /health and /metrics
top10    the locked, interval-driven top-10 cache
service  the loop that ties them together, with reconnects and backoff
"""
