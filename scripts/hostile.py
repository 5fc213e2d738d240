"""``make hostile``: the expensive inputs of the hostile-input probe, timed in process and over HTTP.

    python -m scripts.hostile [--seeds DIR] [--repeat 5] [--no-http] [--no-profile] [--json FILE]
    python -m scripts.hostile --profile CASE     # one case under cProfile, in a fresh process

Builds contracts from the seeds: the title and preamble of seed 001 (甲 and 乙), then articles
headed by the seeds' article headings in turn, each holding one sentence after seed 001's
subcontracting clause (乙は、甲の承諾を得て、業務N を第三者へ再委託することができる。), every
sentence its own (業務 is named by letters, 業務BAAAB). Four cases revise every article of such a contract:

- **flipped, 189 articles** (about 10,000 characters): 承諾を得て → 承諾を得ずに and
  することができる → してはならない, the probe's case; must answer 200 within 2 s;
- **consent dropped, 189 articles**: 甲の承諾を得て、 deleted and することができる →
  してはならない, which sends both sentences of every article to GiNZA; the same bound;
- the same two with **3,600 articles** (near MAX_TEXT_CHARS, 200,000 characters a text): must
  answer 200 or a problem+json within 30 s (the deadline, REQUEST_DEADLINE_SECONDS, is 20 s).

Each is sent once, cold (no sentence of it parsed before in that process), to the app in this
process (Flask's test client: the route, the budget and the rate limit as served) and then over
HTTP to gunicorn started with ``gunicorn.conf.py`` (2 workers, an API key per request, the default
rate limit) on a free port of 127.0.0.1. The baseline, measured in the same run, is seed 003
compared with itself (the median of ``--repeat`` runs, warm). Printed per case: the answer, the
seconds, the ratio to the baseline, the sentences parsed, and the rate-limit units charged (read
from ``X-RateLimit-Limit`` minus ``X-RateLimit-Remaining`` on a caller's first request). A case
that misses its bound is profiled in a child process (cProfile), which prints where the time
went. Exit status 1 when a case misses its bound.
"""

from __future__ import annotations

import argparse
import cProfile
import http.client
import json
import os
import pstats
import secrets
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from dataclasses import asdict, dataclass
from pathlib import Path

# One thread for the numerical libraries, as gunicorn.conf.py gives each worker (set before the
# library, and so numpy, is imported, which happens inside the functions below).
os.environ.setdefault("OMP_NUM_THREADS", "1")

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
SEEDS = ROOT / "tests" / "data" / "seeds"
# Seed 001's 第4条 (再委託), with the consent that the revisions negate or drop.
SENTENCE = "乙は、甲の承諾を得て、業務{number}を第三者へ再委託することができる。"
# The 業務 are told apart by letters, not figures: sentences that differ only in their figures
# share one reading (nlp.meaning.roles), and here every sentence must cost its own parse.
LETTERS = str.maketrans("0123456789", "ABCDEFGHIJ")
PROBLEM_JSON = "application/problem+json"
HTTP_TIMEOUT = 120


@dataclass(frozen=True, slots=True)
class Case:
    name: str
    articles: int
    edit: str          # flipped | dropped
    within: float      # seconds
    problem_ok: bool   # whether a problem+json within the bound passes (else only a 200)
    series: int        # numbers the 業務 of this case apart from the others', so none is parsed twice


CASES = (
    Case("flipped, 189 articles", 189, "flipped", 2.0, False, 1),
    Case("consent dropped, 189 articles", 189, "dropped", 2.0, False, 2),
    Case("flipped, 3,600 articles", 3600, "flipped", 30.0, True, 3),
    Case("consent dropped, 3,600 articles", 3600, "dropped", 30.0, True, 4),
)


@dataclass(slots=True)
class Answer:
    status: int
    seconds: float
    problem: str | None = None       # the problem's type, last part
    parsed: int | None = None        # meta.budget.sentences_parsed
    degraded: list[str] | None = None
    units: int | None = None         # rate-limit units charged

    @property
    def label(self) -> str:
        return f"{self.status} {self.problem}" if self.problem else str(self.status)


# The inputs ---------------------------------------------------------------------------------


def seed(seeds: Path, name: str) -> str:
    """Seed ``name`` from a folder of seeds: ``001.txt`` (tests/data/seeds) or ``001_<hash>.txt``."""
    return sorted(seeds.glob(f"{name}*.txt"))[0].read_text(encoding="utf-8")


def pair(case: Case, seeds: Path) -> tuple[str, str]:
    """The original and revised text of ``case``."""
    from nlp.structure import parse

    headings = [article.heading for name in ("000", "001", "002", "003", "004")
                for article in parse(seed(seeds, name)).articles if article.heading]
    head = seed(seeds, "001")
    head = head[:parse(head).articles[0].span.start].rstrip() + "\n\n"
    original = head + "\n\n".join(
        f"第{index}条（{headings[(index - 1) % len(headings)]}）\n"
        + SENTENCE.format(number=str(case.series * 10_000 + index).translate(LETTERS))
        for index in range(1, case.articles + 1))
    revised = original.replace("することができる", "してはならない")
    if case.edit == "flipped":
        revised = revised.replace("承諾を得て", "承諾を得ずに")
    else:
        revised = revised.replace("甲の承諾を得て、", "")
    return original, revised


def body(original: str, revised: str) -> bytes:
    data = {"original": {"text": original}, "revised": {"text": revised}}
    return json.dumps(data, ensure_ascii=False).encode()


def read_answer(status: int, seconds: float, content_type: str, payload: bytes, headers) -> Answer:
    answer = Answer(status, round(seconds, 3))
    data = json.loads(payload) if payload else {}
    if content_type.startswith(PROBLEM_JSON):
        answer.problem = str(data.get("type", "")).rsplit("/", 1)[-1] or "problem"
    elif status == 200:
        budget = data.get("meta", {}).get("budget", {})
        answer.parsed, answer.degraded = budget.get("sentences_parsed"), budget.get("degraded")
    limit, left = headers.get("X-RateLimit-Limit"), headers.get("X-RateLimit-Remaining")
    if limit is not None and left is not None:
        answer.units = int(limit) - int(left)
    return answer


# In process ---------------------------------------------------------------------------------


def in_process(pairs: dict[str, tuple[str, str]], baseline: tuple[str, str], repeat: int) -> dict:
    """Each case through the app in this process; a new caller address for each request."""
    from nlp.engine import load_engine
    from service import create_app

    started = time.perf_counter()
    engine = load_engine()
    loaded = time.perf_counter() - started
    from service.config import Defaults

    app = create_app({"LOAD_MODEL_AT_START": False, "API_KEYS": "", "REQUIRE_API_KEYS": False,
                      "RATE_LIMIT": Defaults.RATE_LIMIT, "RATE_LIMIT_STORAGE_URI": "memory://"})
    app.extensions["engine"] = engine
    client = app.test_client()
    addresses = (f"192.0.2.{index}" for index in range(1, 255))

    def send(data: bytes) -> Answer:
        begun = time.perf_counter()
        response = client.post("/v1/compare", data=data, content_type="application/json",
                               environ_base={"REMOTE_ADDR": next(addresses)})
        return read_answer(response.status_code, time.perf_counter() - begun, response.content_type,
                           response.get_data(), response.headers)

    send(body(*baseline))  # the model warm, as in a worker that has answered before
    baselines = [send(body(*baseline)) for _ in range(repeat)]
    return {"model_load_s": round(loaded, 1), "baseline": baselines,
            "cases": {name: send(body(*texts)) for name, texts in pairs.items()}}


# Over HTTP ----------------------------------------------------------------------------------


def over_http(pairs: dict[str, tuple[str, str]], baseline: tuple[str, str], repeat: int) -> dict:
    """Each case to gunicorn (2 workers, the default rate limit); a new API key for each request."""
    from scripts.load import gunicorn

    keys = [secrets.token_urlsafe(24) for _ in range(2 + repeat + len(pairs))]
    unused = iter(keys)
    with gunicorn(workers=2, keys=keys) as server:
        def send(data: bytes) -> Answer:
            connection = http.client.HTTPConnection(HOST, server.port, timeout=HTTP_TIMEOUT)
            begun = time.perf_counter()
            try:
                connection.request("POST", "/v1/compare", data, {"Content-Type": "application/json",
                                                                 "X-API-Key": next(unused)})
                response = connection.getresponse()
                payload = response.read()
                seconds = time.perf_counter() - begun
                return read_answer(response.status, seconds, response.getheader("Content-Type", ""),
                                   payload, response.headers)
            except (OSError, http.client.HTTPException):
                return Answer(0, round(time.perf_counter() - begun, 3), problem="no answer")
            finally:
                connection.close()

        for _ in range(2):  # both workers warm
            send(body(*baseline))
        baselines = [send(body(*baseline)) for _ in range(repeat)]
        return {"baseline": baselines, "cases": {name: send(body(*texts)) for name, texts in pairs.items()}}


# The run ------------------------------------------------------------------------------------


def passes(case: Case, answer: Answer) -> bool:
    if answer.seconds > case.within:
        return False
    return answer.status == 200 or (case.problem_ok and answer.problem not in (None, "no answer"))


def run(*, seeds: Path = SEEDS, repeat: int = 5, http: bool = True) -> dict:
    load_before = os.getloadavg()[0]
    pairs = {case.name: pair(case, seeds) for case in CASES}
    baseline = (seed(seeds, "003"), seed(seeds, "003"))
    report: dict = {
        "baseline": {"name": "seed 003 against itself", "characters": len(baseline[0])},
        "cases": {case.name: {"articles": case.articles, "within_s": case.within,
                              "characters": [len(text) for text in pairs[case.name]]} for case in CASES},
        "modes": {"in process": in_process(pairs, baseline, repeat)},
    }
    if http:
        report["modes"]["over HTTP"] = over_http(pairs, baseline, repeat)
    # The machine's load while the figures were taken: other processes share its cores.
    report["load_average"] = [round(load_before, 2), round(os.getloadavg()[0], 2)]
    report["cores"] = os.cpu_count()
    report["checks"] = {}
    for mode, figures in report["modes"].items():
        figures["baseline_s"] = statistics.median(answer.seconds for answer in figures["baseline"])
        for case in CASES:
            bound = f"200 within {case.within:g} s" + (" (or a problem+json)" if case.problem_ok else "")
            answer = figures["cases"][case.name]
            report["checks"][f"{mode}: {case.name} answers {bound}"] = passes(case, answer)
    return report


def print_report(report: dict) -> None:
    baseline = report["baseline"]
    before, after = report["load_average"]
    print(f"Hostile inputs made from the seeds; baseline: {baseline['name']} "
          f"({baseline['characters']:,} characters a side); {report['cores']} cores, "
          f"load average {before:g} at the start, {after:g} at the end")
    for mode, figures in report["modes"].items():
        base = figures["baseline_s"]
        units = {answer.units for answer in figures["baseline"]}
        print()
        extra = f"; the model loaded in {figures['model_load_s']} s" if "model_load_s" in figures else ""
        print(f"{mode}: baseline median {base * 1000:,.0f} ms of {len(figures['baseline'])} runs, "
              f"{'/'.join(str(unit) for unit in sorted(units, key=str))} units{extra}")
        print("| case | characters (original / revised) | answer | seconds | × baseline | sentences parsed "
              "| units | bound |")
        print("| --- | ---: | --- | ---: | ---: | ---: | ---: | --- |")
        for case in CASES:
            answer = figures["cases"][case.name]
            sizes = " / ".join(f"{size:,}" for size in report["cases"][case.name]["characters"])
            parsed = "-" if answer.parsed is None else str(answer.parsed)
            if answer.degraded:
                parsed += f" (degraded: {', '.join(answer.degraded)})"
            units = "-" if answer.units is None else str(answer.units)
            print(f"| {case.name} | {sizes} | {answer.label} | {answer.seconds:.2f} | "
                  f"{answer.seconds / base:,.0f}× | {parsed} | {units} | {case.within:g} s |")
    print()
    for check, passed in report["checks"].items():
        print(f"  [{'ok' if passed else 'FAIL'}] {check}")


# Where the time goes ------------------------------------------------------------------------


def profile(name: str, seeds: Path, top: int = 14) -> None:
    """Compare case ``name`` once under cProfile, the model loaded and warm; print where the time went."""
    from nlp.budget import Budget
    from nlp.compare import compare
    from nlp.engine import load_engine
    from nlp.errors import DeadlineExceeded
    from service.config import Defaults

    case = next(case for case in CASES if case.name == name)
    original, revised = pair(case, seeds)
    engine = load_engine()
    compare(seed(seeds, "001"), seed(seeds, "004"), engine=engine)
    profiler = cProfile.Profile()
    budget = Budget.within(Defaults.REQUEST_DEADLINE_SECONDS)
    started = time.perf_counter()
    profiler.enable()
    try:
        compare(original, revised, engine=engine, budget=budget)
        outcome = "answered"
    except DeadlineExceeded as error:
        outcome = f"stopped: {error}"
    profiler.disable()
    seconds = time.perf_counter() - started
    stats = pstats.Stats(profiler)
    print(f"Profile of {name!r}: {seconds:.2f} s under cProfile, {outcome}; "
          f"{budget.sentences} sentences parsed")
    print("  own time by package or module:")
    for where, spent in sorted(own_time(stats).items(), key=lambda item: -item[1])[:8]:
        print(f"    {spent:7.2f} s  {where}")
    print("  the functions with the most own time:")
    own = sorted(((own, calls, function) for function, (_, calls, own, _, _) in stats.stats.items()),  # type: ignore[attr-defined]
                 reverse=True)[:5]
    for spent, calls, (filename, line, function) in own:
        print(f"    {spent:7.2f} s  {calls:7} calls  {short(filename)}:{line} {function}")
    print(f"  the {top} functions of nlp/ and service/ with the most time under them:")
    rows = [(cumulative, calls, function) for function, (_, calls, _, cumulative, _) in stats.stats.items()  # type: ignore[attr-defined]
            if "/nlp/" in function[0] or "/service/" in function[0]]
    for cumulative, calls, (filename, line, function) in sorted(rows, reverse=True)[:top]:
        print(f"    {cumulative:7.2f} s  {calls:7} calls  {short(filename)}:{line} {function}")


def own_time(stats: pstats.Stats) -> dict[str, float]:
    """Seconds spent in each package's own code (spacy, sudachipy, nlp/meaning …)."""
    spent: dict[str, float] = defaultdict(float)
    for (filename, _, _), (_, _, own, _, _) in stats.stats.items():  # type: ignore[attr-defined]
        spent[package(filename)] += own
    return spent


def package(filename: str) -> str:
    """``spacy``, ``thinc`` (Cython files are named relative to their package), ``nlp/meaning``."""
    if "site-packages/" in filename:
        return filename.split("site-packages/", 1)[1].split("/", 1)[0].removesuffix(".py")
    if filename.startswith(("~", "<")):
        return "built-in (C functions: sudachipy, numpy …)"
    path = Path(filename)
    if not path.is_absolute():
        return path.parts[0]
    if ROOT in path.parents:
        parts = path.relative_to(ROOT).parts
        return "/".join(parts[:2]) if parts[0] == "nlp" and len(parts) > 2 else "/".join(parts)
    return "the standard library"


def short(filename: str) -> str:
    path = Path(filename)
    return str(path.relative_to(ROOT)) if ROOT in path.parents else filename


def profile_in_child(name: str, seeds: Path) -> str:
    """``--profile NAME`` in a new process, so that no sentence of the case is parsed yet; its output."""
    done = subprocess.run([sys.executable, "-m", "scripts.hostile", "--profile", name, "--seeds", str(seeds)],
                          cwd=ROOT, capture_output=True, text=True, timeout=600)
    return done.stdout + (done.stderr[-2000:] if done.returncode else "")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=Path, default=SEEDS, help="the folder of the seed contracts")
    parser.add_argument("--repeat", type=int, default=5, help="runs of the baseline (default 5)")
    parser.add_argument("--no-http", action="store_true", help="only in process, without gunicorn")
    parser.add_argument("--no-profile", action="store_true",
                        help="do not profile a case that misses its bound")
    parser.add_argument("--profile", metavar="CASE", choices=[case.name for case in CASES],
                        help="only profile this case, in process")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)
    if args.profile:
        profile(args.profile, args.seeds)
        return 0
    report = run(seeds=args.seeds, repeat=args.repeat, http=not args.no_http)
    print_report(report)
    if args.json:
        def plain(value: object) -> object:
            return asdict(value) if isinstance(value, Answer) else str(value)

        args.json.write_text(json.dumps(report, indent=2, ensure_ascii=False, default=plain))
    missed = sorted({check.split(": ", 1)[1].split(" answers ")[0]
                     for check, passed in report["checks"].items() if not passed})
    if missed and not args.no_profile:
        for name in missed:
            print()
            print(profile_in_child(name, args.seeds).rstrip())
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
