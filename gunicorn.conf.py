"""gunicorn settings for the service: ``gunicorn -c gunicorn.conf.py`` (what ``make serve`` runs)."""

import multiprocessing
import os

# Before anything imports numpy: one BLAS/OpenMP thread per worker, since the workers
# already use every core and more threads would only fight over them.
os.environ.setdefault("OMP_NUM_THREADS", "1")

wsgi_app = "service.wsgi:app"
bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"

# The model (about 310 MB) is loaded once in the master and shared with the workers by
# copy-on-write, instead of once per worker.
preload_app = True
worker_class = "sync"
# A comparison is CPU-bound: one worker per core.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count()))

# spaCy's string store grows in a long-running process; recycle workers now and then,
# at staggered times so that they do not all restart at once.
max_requests = 500
max_requests_jitter = 50

# A large contract pair takes seconds, not a minute.
timeout = 60
graceful_timeout = 30

accesslog = "-"
# No runtime control socket: two instances on one machine (make serve, make eval) would share
# its default path.
control_socket_disable = True
