# The comparison service: nginx in front of gunicorn (scripts/serve.py), the GiNZA model loaded
# once and shared by the workers.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    OMP_NUM_THREADS=1 \
    HOST=0.0.0.0 \
    PORT=8000

# nginx buffers every request whole before a worker sees it, so that slow clients hold no worker.
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends nginx-light \
    && rm -rf /var/lib/apt/lists/*

# Production refuses to start without API keys: run with -e CONTRACTDIFF_API_KEYS=key1,key2 (each
# at least 16 characters), or -e CONTRACTDIFF_REQUIRE_API_KEYS=false for an open instance. With
# several instances or workers, share the rate limit in Redis:
# -e CONTRACTDIFF_RATE_LIMIT_STORAGE_URI=redis://redis:6379.
ENV CONTRACTDIFF_REQUIRE_API_KEYS=true

RUN useradd --create-home --uid 10001 contractdiff
WORKDIR /app

# Dependencies first, so that a change to the code does not reinstall them. The model
# (ja-ginza) is a PyPI package pinned in requirements.txt: nothing is downloaded at run time.
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt

COPY nlp/ nlp/
COPY service/ service/
COPY api_spec/ api_spec/
COPY scripts/__init__.py scripts/serve.py scripts/
COPY gunicorn.conf.py .

USER contractdiff
EXPOSE 8000

# slim has no curl. The start period covers loading the model.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/v1/health' % os.environ.get('PORT', '8000'), timeout=4)"]

# nginx on HOST:PORT runs as this user too (no `user` directive), its files in a temporary folder.
CMD ["python", "-m", "scripts.serve"]
