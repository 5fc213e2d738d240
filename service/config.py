"""Every setting of the service, named once with its default.

Each can be set from the environment as ``CONTRACTDIFF_<NAME>`` (values are read as JSON,
so ``CONTRACTDIFF_MAX_TEXT_CHARS=400000`` is a number and ``…=false`` a boolean) or passed
to :func:`service.create_app` in a mapping. The README's settings table mirrors this class.
"""

from __future__ import annotations


class Defaults:
    #: The spaCy package of the GiNZA model to load.
    MODEL = "ja_ginza"
    #: The largest request body, in bytes; a bigger one is refused (413), read no further than this.
    MAX_CONTENT_LENGTH = 2 * 1024 * 1024
    #: The longest text, in characters, for each of the two documents (413 beyond it).
    MAX_TEXT_CHARS = 200_000
    #: How deeply a request body may nest arrays and objects; checked before the JSON is parsed.
    MAX_JSON_DEPTH = 20
    #: The largest multipart/form-data body (the uploaded files together), in bytes; it replaces
    #: MAX_CONTENT_LENGTH for uploads, since a .docx with a logo is larger than its text (413 beyond it).
    MAX_UPLOAD_BYTES = 10 * 1024 * 1024
    #: The most pages an uploaded PDF may have (422 beyond them, before any page is read).
    MAX_PDF_PAGES = 200
    #: Seconds the reading of one uploaded PDF may take (422 past them); all the files of a request
    #: are read within REQUEST_DEADLINE_SECONDS together (503 past it).
    PDF_TIMEOUT_SECONDS = 5
    #: The author of the tracked changes in POST /v1/redline?format=docx, unless the request names one.
    REDLINE_AUTHOR = "contractdiff"
    #: The most documents one POST /v1/drift may check (413 beyond it; the command line has no limit).
    MAX_DRIFT_DOCUMENTS = 50
    #: Load the model in create_app; false builds an app without one, whose model routes answer 503.
    LOAD_MODEL_AT_START = True
    #: The API keys callers must send (Authorization: Bearer KEY, or X-API-Key: KEY), separated by
    #: commas (or a JSON list); empty: no key needed. Health, the OpenAPI document, the page and
    #: /metrics stay open.
    API_KEYS = ""
    #: Refuse to start without API_KEYS (the Docker image sets it, so that a production instance
    #: is never open by mistake).
    REQUIRE_API_KEYS = False
    #: Work each caller (API key, else client address) may ask for, in units of 30,000 bytes of body
    #: (about 10,000 characters of Japanese), charged before the body is read, and of the work done
    #: (characters compared, sentences parsed), charged after the answer; in the syntax of
    #: flask-limiter; empty: no limit.
    RATE_LIMIT = "600 per minute"
    #: Sentences GiNZA parses for a request that cost one more unit of RATE_LIMIT, charged once the
    #: request is answered (meta.budget.sentences_parsed counts them); 0: parsing is not charged.
    RATE_LIMIT_SENTENCES_PER_UNIT = 5
    #: Where the rate limiter counts: memory:// (each worker process on its own) or redis://host:6379.
    RATE_LIMIT_STORAGE_URI = "memory://"
    #: How many proxies in front of the service set X-Forwarded-For (0: use the socket's address),
    #: so that the rate limit and the access log see the caller, not the proxy.
    TRUSTED_PROXIES = 0
    #: Seconds a comparison may run; past them it stops and answers 503 with Retry-After (0: no deadline).
    REQUEST_DEADLINE_SECONDS = 20
    #: Failed API keys one client address may send, in the syntax of flask-limiter; past them every
    #: request of that client to a closed route answers 429 until the window has moved on.
    AUTH_FAILURE_LIMIT = "10 per minute"
    # The front (nginx, which ``make serve`` starts in front of gunicorn; scripts/serve.py) ----------
    #: Seconds a client has to send all of a request's headers (the request is dropped after them).
    HEADER_TIMEOUT_SECONDS = 10
    #: Seconds the front waits between two reads of a request's body (dropped after them); the body
    #: is buffered whole before a worker sees it, so a slow body never holds a worker.
    BODY_TIMEOUT_SECONDS = 10
    #: Seconds the front waits between two writes of an answer to a client that does not read it.
    SEND_TIMEOUT_SECONDS = 30
    #: Seconds the front waits for a worker's answer (between two reads of it; a sync worker writes
    #: its answer once done) before it answers 504 itself; 0: REQUEST_DEADLINE_SECONDS + 10, past
    #: the point where a comparison stops on its own (65 without a deadline).
    ANSWER_TIMEOUT_SECONDS = 0
    #: Connections one client address may hold open at the front at once (429 beyond them).
    MAX_CONNECTIONS_PER_CLIENT = 64
