"""The bridge: keeps every board's Redis index equal to PostgreSQL and refreshes the cached
top 10s. PostgreSQL's side of the feed is leaderboard.feed, Redis's is leaderboard.index.

syncer   one catch-up step: read changes since the boards' cursors, apply them (or rebuild)
status   lag and progress, published as a heartbeat for /health and /metrics
top10    the locked, interval-driven top-10 cache
service  the loop that ties them together, with reconnects and backoff
"""
