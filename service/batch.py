"""Drift checks over many files: in this process, on a local Dask cluster, or on a remote one.

The template is parsed once, here, and sent to every worker once
(``client.scatter(template, broadcast=True)``). Each worker process loads the model once
(:func:`nlp.engine.load_engine` is cached per process) before the first task arrives.
The bytes of each file are read here and travel with its task, so the workers need no
shared disk; only a bounded number of tasks is in flight, so a folder of ten thousand
contracts is never all in memory at once.

Results are handed to ``on_result`` as they finish (on a cluster, as each task of up to
:data:`DOCUMENTS_PER_TASK` files finishes), in whatever order that is, so a caller can write
each one down at once: nothing finished is lost when a run is interrupted. A file
that cannot be read or compared becomes an entry with its ``error``; the batch goes on.

Dask is imported only when a cluster is used: the web service never loads it.
"""

from __future__ import annotations

import contextlib
import logging
import os
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nlp.compare import Options
from nlp.documents import DocumentLimits, read_document
from nlp.drift import DocumentDrift, check_template, drift_one
from nlp.engine import DEFAULT_MODEL, load_engine
from nlp.errors import ContractDiffError
from nlp.model import Contract
from nlp.structure import parse

__all__ = [
    "IN_PROCESS",
    "BatchRun",
    "ClusterUnavailable",
    "Source",
    "collect_sources",
    "drift_file",
    "drift_files",
    "read_template",
    "run_batch",
]

log = logging.getLogger(__name__)

#: ``workers=IN_PROCESS`` runs every document in this process, without Dask.
IN_PROCESS = 0
#: File types a folder is expanded to.
DOCUMENT_SUFFIXES = (".txt", ".docx", ".pdf", ".html", ".htm")
# A document takes a worker about 25 ms, and Dask spends a few ms of scheduler and client time
# on every task: on two cores that overhead alone ate the second worker's gain. Tasks of up to
# 8 documents (about 0.2 s) make it negligible and still return results several times a second.
DOCUMENTS_PER_TASK = 8
# Tasks in flight per worker: enough that no worker waits for the next files to be read and
# sent, few enough that the files of a huge batch are not all held in memory.
TASKS_PER_WORKER = 4
# How long to try reaching a scheduler given with --scheduler before saying so.
CONNECT_SECONDS = 30


class ClusterUnavailable(Exception):
    """The Dask cluster cannot be reached, or cannot run contractdiff's code (a different environment)."""


@dataclass(frozen=True, slots=True)
class Source:
    """A file to check, and the name it is reported under (the path as given)."""

    name: str
    path: Path


@dataclass(frozen=True, slots=True)
class BatchRun:
    """The results in the order of the sources, and how they were computed."""

    results: tuple[DocumentDrift, ...]
    model: str
    model_version: str
    workers: int               # processes that computed them; 0 for this process alone
    seconds: float


def collect_sources(paths: Iterable[str | Path]) -> list[Source]:
    """Files as given and folders expanded to their .txt and .docx files (sorted), each file once."""
    sources: list[Source] = []
    seen: set[Path] = set()
    for given in paths:
        path = Path(given)
        files = (sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in DOCUMENT_SUFFIXES)
                 if path.is_dir() else [path])
        for file in files:
            resolved = file.resolve()
            if resolved not in seen:
                seen.add(resolved)
                sources.append(Source(str(file), file))
    return sources


def read_template(path: str | Path) -> Contract:
    """The template file, read and parsed; raises :class:`~nlp.errors.ContractDiffError` if it cannot be."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ContractDiffError(f"{path}: cannot be read ({error.strerror}).") from None
    return check_template(parse(read_document(data, name=str(path))))


def drift_file(template: Contract, data: bytes, name: str, *, model: str = DEFAULT_MODEL,
               options: Options | None = None) -> DocumentDrift:
    """One file's bytes → its drift from ``template``, or its entry with ``error``."""
    engine = load_engine(model)
    try:
        text = read_document(data, name=name)
        with engine.memory_zone():
            return drift_one(template, text, name, engine=engine, options=options)
    except ContractDiffError as error:
        return DocumentDrift.failure(name, str(error))
    except Exception as error:  # noqa: BLE001 - reported in the file's entry, see _crashed
        return _crashed(name, error)


def drift_files(template: Contract, files: Sequence[tuple[int, str, bytes]], *, model: str = DEFAULT_MODEL,
                options: Options | None = None) -> list[tuple[int, DocumentDrift]]:
    """The Dask task: ``(index, name, bytes)`` of a few files → ``(index, result)`` of each."""
    return [(index, drift_file(template, data, name, model=model, options=options))
            for index, name, data in files]


def warm_up(model: str) -> str:
    """Load the model in a worker before its first task; the version it loaded."""
    return load_engine(model).version


def run_batch(template: Contract, sources: Sequence[Source], *, scheduler: str | None = None,
              workers: int | None = None, model: str = DEFAULT_MODEL, options: Options | None = None,
              on_result: Callable[[int, DocumentDrift], None] | None = None) -> BatchRun:
    """The drift of each source from ``template``, each handed to ``on_result(index, result)`` when done.

    ``scheduler`` is the address of a running Dask scheduler (``tcp://host:8786``); without
    one a local cluster of ``workers`` processes is started (one per core by default), and
    ``workers=0`` (:data:`IN_PROCESS`) runs everything here without Dask.
    """
    started = time.perf_counter()
    results: list[DocumentDrift | None] = [None] * len(sources)

    def finished(index: int, result: DocumentDrift) -> None:
        results[index] = result
        if on_result is not None:
            on_result(index, result)

    if scheduler is None and workers == IN_PROCESS:
        version = _run_here(template, sources, model=model, options=options, report=finished)
        used = IN_PROCESS
    else:
        version, used = _run_on_dask(template, sources, scheduler=scheduler, workers=workers,
                                     model=model, options=options, report=finished)
    assert all(result is not None for result in results)
    return BatchRun(tuple(r for r in results if r is not None), model, version, used,
                    time.perf_counter() - started)


def _read(source: Source) -> bytes | DocumentDrift:
    """The file's bytes, or its entry with the reason it cannot be read."""
    limit = DocumentLimits().max_bytes
    try:
        size = source.path.stat().st_size
        if size > limit:
            return DocumentDrift.failure(source.name,
                                         f"{source.name}: is {size:,} bytes; the limit is {limit:,}.")
        return source.path.read_bytes()
    except OSError as error:
        return DocumentDrift.failure(source.name, f"{source.name}: cannot be read ({error.strerror}).")


def _crashed(name: str, error: BaseException) -> DocumentDrift:
    # A fault of ours on one file must not cost the results of the others: it is reported in
    # that file's entry and logged with its traceback, and the batch goes on.
    log.error("%s: failed", name, exc_info=(type(error), error, error.__traceback__))
    return DocumentDrift.failure(name, f"{name}: failed ({type(error).__name__}: {error}). "
                                       "This is a fault of contractdiff; please report it.")


def _run_here(template: Contract, sources: Sequence[Source], *, model: str, options: Options | None,
              report: Callable[[int, DocumentDrift], None]) -> str:
    version = warm_up(model)
    for index, source in enumerate(sources):
        data = _read(source)
        if isinstance(data, DocumentDrift):
            report(index, data)
            continue
        report(index, drift_file(template, data, source.name, model=model, options=options))
    return version


def _run_on_dask(template: Contract, sources: Sequence[Source], *, scheduler: str | None,
                 workers: int | None, model: str, options: Options | None,
                 report: Callable[[int, DocumentDrift], None]) -> tuple[str, int]:
    from distributed import as_completed

    with _client(scheduler, workers) as client:
        versions = _prepare(client, model)
        count = max(len(versions), 1)
        shared = client.scatter(template, broadcast=True)
        run = uuid.uuid4().hex[:8]     # keys unique to this run on a shared cluster
        # Small batches are spread one document per task, so that every worker gets some.
        per_task = max(1, min(DOCUMENTS_PER_TASK, len(sources) // (TASKS_PER_WORKER * count)))
        pending = iter(enumerate(sources))
        held: dict[Any, list[int]] = {}     # task key → indexes of its files
        completed = as_completed()

        def submit_next() -> bool:
            files: list[tuple[int, str, bytes]] = []
            for index, source in pending:
                data = _read(source)
                if isinstance(data, DocumentDrift):
                    report(index, data)
                    continue
                files.append((index, source.name, data))
                if len(files) == per_task:
                    break
            if not files:
                return False
            future = client.submit(drift_files, shared, files, model=model, options=options,
                                   key=f"drift-{run}-{files[0][0]}", pure=False)
            held[future.key] = [index for index, _, _ in files]
            completed.add(future)
            return True

        for _ in range(TASKS_PER_WORKER * count):
            if not submit_next():
                break
        for future in completed:
            indexes = held.pop(future.key)
            if future.status == "finished":
                for index, result in future.result():
                    report(index, result)
            else:                       # the worker died or the task was lost: each file says so
                error = _exception(future)
                for index in indexes:
                    report(index, _crashed(sources[index].name, error))
            future.release()
            submit_next()
        count = max(count, len(client.scheduler_info()["workers"]))
    return ", ".join(sorted(set(versions.values()))) or "unknown", count


def ready() -> bool:
    """Run on the scheduler: that it can import this module, as it must to read the tasks."""
    return True


def _prepare(client: Any, model: str) -> dict[str, str]:
    """Check that the scheduler and the workers run this code, and load the model in each worker."""
    try:
        client.run_on_scheduler(ready)
        return client.run(warm_up, model)
    except (ImportError, OSError) as error:
        # Otherwise every task would fail alike, each reported as a fault on its own file.
        raise ClusterUnavailable(
            f"The Dask cluster cannot run contractdiff ({type(error).__name__}: {error}). Start "
            "`dask scheduler` and `dask worker` with this repository on PYTHONPATH and its "
            "requirements installed (README: On a Dask cluster).") from None


def _exception(future: Any) -> BaseException:
    with contextlib.suppress(Exception):
        error = future.exception()
        if error is not None:
            error.__traceback__ = future.traceback()
            return error
    return RuntimeError(f"the task ended as {future.status}")


@contextlib.contextmanager
def _client(scheduler: str | None, workers: int | None) -> Iterator[Any]:
    """A client of the scheduler at ``scheduler``, or of a local cluster it starts and stops."""
    from distributed import Client, LocalCluster

    if scheduler is not None:
        try:
            client = Client(scheduler, timeout=CONNECT_SECONDS)
        except OSError as error:
            raise ClusterUnavailable(
                f"Cannot reach the Dask scheduler at {scheduler} ({error}). Start one with "
                "`dask scheduler` and its workers with `dask worker`, or leave out --scheduler "
                "to run on this machine.") from None
        with client:
            yield client
        return
    # Processes, not threads: the tokenizer holds the GIL. Everything on the loopback interface;
    # the scheduler's HTTP server (health, and the dashboard when bokeh is installed) on a free
    # port, since a fixed 8787 may be taken by another cluster.
    cluster = LocalCluster(n_workers=workers or os.cpu_count() or 1, threads_per_worker=1, processes=True,
                           host="127.0.0.1", dashboard_address="127.0.0.1:0")
    with cluster, Client(cluster) as client:
        yield client
