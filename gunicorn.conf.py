"""gunicorn settings for the service: ``gunicorn -c gunicorn.conf.py`` (what ``make serve`` runs)."""

import atexit
import gc
import glob
import multiprocessing
import os
import shutil
import tempfile

# Before anything imports numpy: one BLAS/OpenMP thread per worker, since the workers
# already use every core and more threads would only fight over them.
os.environ.setdefault("OMP_NUM_THREADS", "1")

# Metrics: every worker writes its counts to files in this folder and GET /metrics adds them up
# (prometheus_client's multiprocess mode). Set here, before the app and prometheus_client load.
if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="contractdiff-metrics-")
    _master = os.getpid()

    @atexit.register
    def _remove_metrics_dir():
        """When the master exits, however it does; workers run atexit too, and must leave it."""
        if os.getpid() == _master:
            shutil.rmtree(os.environ["PROMETHEUS_MULTIPROC_DIR"], ignore_errors=True)

wsgi_app = "service.wsgi:app"
# Only this machine, unless HOST says otherwise (HOST=0.0.0.0 in the Docker image). Behind the
# front that make serve starts (scripts/serve.py), gunicorn gets --bind unix:… instead.
bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"

# The model (about 310 MB) is loaded once in the master and shared with the workers by
# copy-on-write, instead of once per worker.
preload_app = True
worker_class = "sync"
# A comparison is CPU-bound: one worker per core.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count()))

# spaCy's string store grows in a long-running process; recycle workers now and then,
# at staggered times so that they do not all restart at once (scripts/memory.py measures it).
max_requests = 500
max_requests_jitter = 50

# The last resort: a comparison stops at REQUEST_DEADLINE_SECONDS (20), so a worker silent for a
# minute is stuck and is killed; its client gets a 500 problem (or the front's 502 problem).
timeout = 60
graceful_timeout = 30

# What gunicorn reads of a request's head before it answers 414 or 431 (problems, see post_fork):
# gunicorn's defaults, named here because the front is set to pass nothing larger.
limit_request_line = 4094
limit_request_fields = 100
limit_request_field_size = 8190

# Every line as JSON on stderr (service/logs.py), gunicorn's own included. gunicorn's access log is
# off: the app writes one line per request, with its request id and never its URL as sent. The
# logger class keeps the request line (and its query) out of gunicorn's own error lines.
accesslog = None
logger_class = "service.logs.GunicornLogger"
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "service.logs.JsonFormatter"}},
    "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"}},
    "root": {"level": "INFO", "handlers": ["stderr"]},
    "loggers": {
        "gunicorn.error": {"level": "INFO", "handlers": [], "propagate": True},
        "gunicorn.access": {"level": "CRITICAL", "handlers": [], "propagate": False},
    },
}
# No runtime control socket: two instances on one machine (make serve, make eval) would share
# its default path.
control_socket_disable = True


def on_starting(server):
    """Counts left in a metrics folder by an earlier run would be added to this one's."""
    for path in glob.glob(os.path.join(os.environ["PROMETHEUS_MULTIPROC_DIR"], "*.db")):
        os.remove(path)


def pre_fork(server, worker):
    """What the master holds (the model, loaded before the workers with preload_app) is set aside
    from the collector: a worker's collections never walk it, nor write to its pages, so those
    stay shared with the master instead of being copied into every worker."""
    gc.collect()
    gc.freeze()


def post_fork(server, worker):
    """gunicorn's own answers (400, 414, 431, 500 for a worker killed on its timeout) as problems."""
    from gunicorn import util

    from service.errors import write_gunicorn_problem

    util.write_error = write_gunicorn_problem


def child_exit(server, worker):
    """A worker that exited (recycled, or killed) no longer counts among the requests in flight."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
