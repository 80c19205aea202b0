"""gunicorn settings for `make serve` (production): `gunicorn -c stihub/gunicorn_conf.py`.

Environment: STIHUB_BIND (default 127.0.0.1:8000), STIHUB_WEB_WORKERS (default 2 × cores + 1),
STIHUB_WEB_THREADS (default 2 per worker). The web processes keep nothing between requests
that another process would need (sessions and data in the database, shared cache in Redis), so
several machines running this behind a load balancer serve the same site.
"""

import os


def cores() -> int:
    """The cores this process may run on (a container's share, not the whole machine's)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS has no affinity
        return os.cpu_count() or 1


def web_workers(environ=os.environ, core_count: int | None = None) -> int:
    """STIHUB_WEB_WORKERS, else gunicorn's rule of thumb 2 × cores + 1: while one worker waits
    on the database another computes."""
    if environ.get("STIHUB_WEB_WORKERS"):
        return max(1, int(environ["STIHUB_WEB_WORKERS"]))
    return 2 * (cores() if core_count is None else core_count) + 1


wsgi_app = "stihub.wsgi:application"
bind = [os.environ.get("STIHUB_BIND", "127.0.0.1:8000")]
workers = web_workers()
# A second thread per worker serves another request while the first waits on the database or
# the network; the computations that hold the CPU longer run as jobs (stihub db_worker).
worker_class = "gthread"
threads = max(1, int(os.environ.get("STIHUB_WEB_THREADS", "2")))
# Load the app once before forking: an insecure setting stops the server at once with its
# message, and the workers share the memory of the numerical libraries.
preload_app = True
timeout = 60
graceful_timeout = 30
# Recycle a worker now and then so that a slow leak cannot grow for months.
max_requests = 2000
max_requests_jitter = 200
accesslog = "-"
errorlog = "-"
# No control socket: its default path is one per user account, so two servers on a machine
# (two sites, a test run beside `make serve`) would take it from each other. Signals suffice.
control_socket_disable = True
# The scheme comes from Django alone (SECURE_PROXY_SSL_HEADER, set by STIHUB_PROXY_SSL_HEADER):
# gunicorn would otherwise believe X-Forwarded-Proto from any local process.
secure_scheme_headers: dict[str, str] = {}
forwarded_allow_ips = ""
# gunicorn's Server header says "gunicorn" without its version (tests/test_production.py).


def pre_fork(server, worker):
    """Each worker opens its own database connections: should loading the app ever open one,
    it is closed in the master before forking rather than shared by every worker."""
    from django.db import connections

    connections.close_all()
