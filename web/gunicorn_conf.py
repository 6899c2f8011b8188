"""gunicorn settings that belong with the app (the command line sets workers, threads, bind)."""

from prometheus_client import multiprocess


def child_exit(server, worker) -> None:
    # each worker writes metric files under PROMETHEUS_MULTIPROC_DIR; drop a dead one's gauges
    multiprocess.mark_process_dead(worker.pid)
