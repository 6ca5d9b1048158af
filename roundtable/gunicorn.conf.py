"""gunicorn settings for production: `gunicorn -c roundtable/gunicorn.conf.py roundtable.wsgi`."""

import gc
import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
keepalive = 5
# Workers are recycled to bound memory growth. The application is loaded once in the master
# (preload), so a recycled worker is a fork, not a fresh import of Django taking seconds of
# CPU. Database and Redis connections open lazily in each worker, never in the master.
# GUNICORN_MAX_REQUESTS=0 turns recycling off (the benchmark measures without it).
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = max_requests // 10
preload_app = True
# "-" logs requests to stdout; an empty value turns the access log off.
accesslog = os.environ.get("GUNICORN_ACCESSLOG", "-") or None
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")


def pre_fork(server, worker):
    # Django's modules, URLs and settings loaded by preload live as long as the worker; moved
    # to the collector's permanent generation, a full collection no longer walks them (it
    # cost a request about 90 ms now and then) and the forked workers keep sharing their
    # memory pages instead of copying them when the collector touches the objects.
    gc.freeze()
