"""Public report API under load (`make bench`, issue #4): 50 villagers' phones against PostgreSQL.

What runs is what production runs: a fresh PostgreSQL database, migrated, with the demo loaded;
Granian serving ``sigap.wsgi`` with the production settings (DEBUG off, HTTPS as told by the
reverse proxy through ``X-Forwarded-Proto``, ``SIGAP_TRUSTED_PROXIES=1``), the shared rate-limit
cache in Redis when it answers, and the background worker (``sigap worker``, batches of unread
reports) analysing every report as it arrives: the analysis is part of the load.

Each of the clients (threads, one keep-alive ``http.client`` connection each) posts reports built
from the labelled corpus to ``POST /api/v1/reports``. Each request comes from a simulated villager
through ``X-Forwarded-For`` (a new address every few reports, so the per-address limit of
10 reports / 10 minutes applies per villager, as behind the real proxy, never to the bench).

Phases (same server, same database, one after the other):
  1. baseline: ``GET /healthz`` (one ``SELECT 1``) with the same clients: the floor of the stack;
  2. capacity: reports as fast as the clients get answers (closed loop): the throughput;
  3. paced: reports at the goal's rate (300/s over all clients): the latency at that load, counted
     from when each request was due (a request held up by a slow answer before it is not excused).

Afterwards, in the database: every 201's receipt is stored exactly once, nothing is stored that was
not acknowledged (except reports whose answer was lost: listed), no 5xx, the audit chain verifies,
and how many reports the worker had analysed within 5 s of arrival. Then everything is stopped and
the database dropped. Prints a skip line and exits 0 when PostgreSQL is not reachable.

Options: ``--clients``, ``--seconds``, ``--rate``, ``--workers``, ``--threads``, ``--analysis-workers``,
``--drain-seconds``, ``--phases`` (also as ``SIGAP_BENCH_*`` environment variables), ``--database``
(default ``sigap_bench_api``, never one of CI's). Each phase also prints the CPU time per report of
the web processes, the worker, the PostgreSQL backends and the client, and how much of the machine
other processes took meanwhile: on a shared machine that says more than throughput alone.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import random
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
CORPUS = ROOT / "sigap" / "detection" / "corpus"
PG = {"host": "127.0.0.1", "port": 5432, "user": "postgres"}
REDIS = ("127.0.0.1", 6379)
SUBMIT_PATH = "/api/v1/reports"
REPORTS_PER_VILLAGER = 5  # below the per-address limit (10 per 10 minutes)
GOAL_RATE, GOAL_P95_MS = 300.0, 100.0
#: Villagers' addresses (IPv6, as mobile networks give them): new for each run, so the limits that
#: an earlier run left in the shared cache (10 minutes) never apply to this one.
VILLAGERS = f"fd00:5167:{secrets.randbelow(0xFFFF):x}"


def _env_default(name: str, default: float) -> float:
    value = os.environ.get(f"SIGAP_BENCH_{name}")
    return float(value) if value else default


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--clients", type=int, default=int(_env_default("CLIENTS", 50)))
    parser.add_argument("--seconds", type=float, default=_env_default("SECONDS", 60))
    parser.add_argument("--baseline-seconds", type=float, default=_env_default("BASELINE_SECONDS", 10))
    parser.add_argument(
        "--rate", type=float, default=_env_default("RATE", GOAL_RATE), help="paced phase, reports/s"
    )
    # Two cores: see choose_server() for why these are the defaults.
    parser.add_argument("--workers", type=int, default=int(_env_default("WORKERS", 2)))
    parser.add_argument("--threads", type=int, default=int(_env_default("THREADS", 4)))
    parser.add_argument("--analysis-workers", type=int, default=int(_env_default("ANALYSIS_WORKERS", 1)))
    parser.add_argument("--phases", default=os.environ.get("SIGAP_BENCH_PHASES", "baseline,capacity,paced"))
    parser.add_argument("--database", default=os.environ.get("SIGAP_BENCH_DATABASE", "sigap_bench_api"))
    parser.add_argument(
        "--drain-seconds",
        type=float,
        default=_env_default("DRAIN_SECONDS", 120),
        help="how long to wait for the worker's backlog after the load",
    )
    parser.add_argument("--keep", action="store_true", help="keep the database and logs (debugging)")
    return parser.parse_args(argv)


# --- services ------------------------------------------------------------------------------------


def pg_connect(dbname: str = "postgres") -> Any:
    import psycopg

    return psycopg.connect(dbname=dbname, connect_timeout=3, autocommit=True, **PG)  # type: ignore[arg-type]


def pg_reachable() -> str | None:
    try:
        with pg_connect() as con:
            con.execute("SELECT 1")
    except Exception as error:
        return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return None


def redis_reachable() -> bool:
    try:
        with socket.create_connection(REDIS, timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def autovacuum_off() -> bool:
    with pg_connect() as con:
        return bool(con.execute("SHOW autovacuum").fetchone()[0] == "off")


def recreate_database(name: str) -> None:
    with pg_connect() as con:
        con.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        con.execute(f'CREATE DATABASE "{name}"')


def drop_database(name: str) -> None:
    with pg_connect() as con:
        con.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def server_env(*, database: str, var_dir: Path, redis_db: int | None) -> dict[str, str]:
    from cryptography.fernet import Fernet

    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="sigap.settings.prod",
        DATABASE_URL=f"postgres://{PG['user']}@{PG['host']}:{PG['port']}/{database}",
        SIGAP_SECRET_KEY=secrets.token_urlsafe(50),
        SIGAP_FIELD_KEYS=Fernet.generate_key().decode(),
        SIGAP_HMAC_KEY=secrets.token_urlsafe(32),
        SIGAP_VAR_DIR=str(var_dir),
        SIGAP_ALLOWED_HOSTS="127.0.0.1",
        SIGAP_TRUSTED_PROXIES="1",
        # Alert e-mails for critical reports go to the worker's log, not to an SMTP server.
        SIGAP_EMAIL_BACKEND="django.core.mail.backends.console.EmailBackend",
        SIGAP_LOG_LEVEL="WARNING",
    )
    if redis_db is not None:
        env["SIGAP_CACHE_URL"] = f"redis://{REDIS[0]}:{REDIS[1]}/{redis_db}"
    return env


@dataclass
class Server:
    procs: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def start(self, args: list[str], *, env: dict[str, str], log: Path) -> None:
        with log.open("ab") as out:
            self.procs.append(
                subprocess.Popen(args, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
            )

    def alive(self) -> bool:
        return all(proc.poll() is None for proc in self.procs)

    def stop(self) -> None:
        for proc in self.procs:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in self.procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        self.procs.clear()


def run_checked(args: list[str], *, env: dict[str, str]) -> str:
    done = subprocess.run(args, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def wait_healthy(port: int, server: Server, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not server.alive():
            raise RuntimeError("the server stopped while starting (see its log)")
        with contextlib.suppress(OSError, http.client.HTTPException):
            con = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            con.request("GET", "/healthz", headers=_headers("127.0.0.1"))
            if con.getresponse().status == 200:
                return
        time.sleep(0.3)
    raise RuntimeError("the server did not answer /healthz in time")


# --- the reports -----------------------------------------------------------------------------------


def corpus_texts() -> list[str]:
    texts: list[str] = []
    for path in sorted(CORPUS.glob("train*.jsonl")):
        with path.open(encoding="utf-8") as handle:
            texts += [json.loads(line)["text"] for line in handle if line.strip()]
    return texts


def village_codes(env: dict[str, str]) -> list[str]:
    database = env["DATABASE_URL"].rsplit("/", 1)[1]
    with pg_connect(database) as con:
        rows = con.execute("SELECT code FROM regions_region WHERE level = 4 AND retired_in = ''").fetchall()
    return [row[0] for row in rows]


class Reports:
    """Realistic submissions: a corpus story, sometimes followed by a second one (as a reporter adds
    what a neighbour said), with the form's other answers filled the way villagers fill them."""

    def __init__(self, texts: list[str], villages: list[str], seed: int) -> None:
        self.texts, self.villages, self.rng = texts, villages, random.Random(seed)

    def body(self) -> bytes:
        rng = self.rng
        text = rng.choice(self.texts)
        if rng.random() < 0.5:
            text += " " + rng.choice(self.texts)
        payload: dict[str, Any] = {"text": text[:1500], "consent": True}
        roll = rng.random()
        if roll < 0.7:
            payload["identity_tier"] = "anonim"
        else:
            payload["identity_tier"] = "rahasia" if roll < 0.9 else "terbuka"
            payload["reporter_contact"] = f"08{rng.randrange(10**9, 10**10)}"
            if rng.random() < 0.5:
                payload["reporter_name"] = rng.choice(["Siti", "Ujang", "Bu Ani", "Pak Dedi", "Rina"])
        if rng.random() < 0.6 and self.villages:
            payload["desa_code"] = rng.choice(self.villages)
        else:
            payload["location_text"] = rng.choice(["dekat pasar", "kampung sebelah", "tidak tahu", ""])
        if rng.random() < 0.5:
            payload["persons_at_risk"] = rng.randint(1, 6)
            payload["age_band"] = rng.choice(["anak", "dewasa", "campuran"])
            payload["relation"] = rng.choice(["keluarga", "tetangga", "diri_sendiri"])
        if rng.random() < 0.3:
            payload["occurred_text"] = rng.choice(["kemarin", "minggu lalu", "bulan ini", "tadi pagi"])
        return json.dumps(payload).encode()


def _headers(address: str) -> dict[str, str]:
    return {
        "Host": "127.0.0.1",
        "Content-Type": "application/json",
        "Accept": "application/json",
        "X-Forwarded-For": address,
        "X-Forwarded-Proto": "https",  # TLS ends at the proxy, as in production
        "User-Agent": "sigap-bench",
    }


# --- the load --------------------------------------------------------------------------------------


@dataclass
class Result:
    due: float  # when the request was due (paced) or sent (closed loop)
    sent: float
    done: float
    status: int  # 0: no answer (connection error, time-out)
    receipt: str = ""
    error: str = ""


@dataclass
class Phase:
    name: str
    seconds: float
    results: list[Result]
    started: float
    ended: float

    def answered(self) -> list[Result]:
        return [r for r in self.results if r.status]

    def throughput(self, status: int) -> float:
        return sum(r.status == status for r in self.results) / (self.ended - self.started)


def _client(
    index: int,
    *,
    port: int,
    method: str,
    path: str,
    make_body: Callable[[], bytes] | None,
    start: float,
    stop: float,
    interval: float,
    out: list[Result],
) -> None:
    con = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    sent_count = 0
    due = start + (random.random() * interval if interval else 0)
    while True:
        now = time.perf_counter()
        if now >= stop or due >= stop:  # paced: requests still due at the end are counted as unsent
            break
        if interval and due > now:
            time.sleep(due - now)
        villager = sent_count // REPORTS_PER_VILLAGER
        address = f"{VILLAGERS}:{index:x}::{villager:x}"
        body = make_body() if make_body else None
        sent = time.perf_counter()
        try:
            con.request(method, path, body=body, headers=_headers(address))
            response = con.getresponse()
            data = response.read()
            done = time.perf_counter()
            receipt = ""
            if response.status == 201:
                receipt = json.loads(data)["receipt"]
            out.append(Result(due if interval else sent, sent, done, response.status, receipt))
        except (OSError, http.client.HTTPException) as error:
            out.append(Result(due if interval else sent, sent, time.perf_counter(), 0, "", repr(error)))
            con.close()
            con = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        sent_count += 1
        due += interval
    con.close()


def run_phase(
    name: str,
    *,
    port: int,
    clients: int,
    seconds: float,
    rate: float = 0,
    method: str = "POST",
    path: str = SUBMIT_PATH,
    bodies: Callable[[int], Callable[[], bytes]] | None = None,
) -> Phase:
    results: list[list[Result]] = [[] for _ in range(clients)]
    interval = clients / rate if rate else 0.0
    start = time.perf_counter() + 0.2
    stop = start + seconds
    threads = [
        threading.Thread(
            target=_client,
            args=(i,),
            kwargs={
                "port": port,
                "method": method,
                "path": path,
                "make_body": bodies(i) if bodies else None,
                "start": start,
                "stop": stop,
                "interval": interval,
                "out": results[i],
            },
            daemon=True,
        )
        for i in range(clients)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    flat = [r for rs in results for r in rs]
    ended = max((r.done for r in flat), default=stop)
    return Phase(name, seconds, flat, start, max(ended, stop))


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q / 100 * len(ordered)))]


def describe(phase: Phase, *, status: int) -> dict[str, float]:
    answered = phase.answered()
    latency = [(r.done - r.due) * 1000 for r in answered]
    service = [(r.done - r.sent) * 1000 for r in answered]
    return {
        "rate": phase.throughput(status),
        "p50": percentile(latency, 50),
        "p95": percentile(latency, 95),
        "p99": percentile(latency, 99),
        "max": max(latency, default=float("nan")),
        "service_p95": percentile(service, 95),
        "count": float(len(phase.results)),
        "ok": float(sum(r.status == status for r in phase.results)),
    }


def status_line(phase: Phase) -> str:
    counts = Counter(r.status for r in phase.results)
    return ", ".join(f"{code or 'no answer'}: {n:,}" for code, n in sorted(counts.items()))


# --- where the CPU went ----------------------------------------------------------------------------
# Throughput on this shared two-core machine moves with whatever else runs on it; CPU seconds per
# report, split by process, move much less and say where the time goes.

TICK = os.sysconf("SC_CLK_TCK")


def _proc_stat(pid: int) -> list[str] | None:
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return raw[raw.rindex(")") + 2 :].split()  # fields from the 3rd (state) on


def _session_pids(sid: int) -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            fields = _proc_stat(int(entry.name))
            if fields and int(fields[3]) == sid:  # field 6: session id
                pids.append(int(entry.name))
    return pids


def _cpu(pids: list[int]) -> float:
    total = 0.0
    for pid in pids:
        fields = _proc_stat(pid)
        if fields:
            total += (int(fields[11]) + int(fields[12])) / TICK  # utime + stime
    return total


def _machine_busy() -> float:
    with open("/proc/stat", encoding="ascii") as handle:
        values = [int(v) for v in handle.readline().split()[1:]]
    return (sum(values) - values[3] - values[4]) / TICK  # all but idle and iowait


class CpuMeter:
    """CPU seconds used by the web processes, the worker(s) and this database's PostgreSQL backends
    during a phase. Backends come and go (connections live CONN_MAX_AGE seconds), so every process
    is sampled twice a second and counted from its first to its last reading (a process that was
    not there at the start began during the phase, from zero)."""

    def __init__(self, server: Server, database: str) -> None:
        self.server, self.database = server, database
        self.first: dict[tuple[str, int], float] = {}
        self.last: dict[tuple[str, int], float] = {}
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _groups(self, con: Any) -> dict[str, list[int]]:
        rows = con.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s", [self.database]).fetchall()
        return {
            "web": _session_pids(self.server.procs[0].pid),
            "worker": [pid for proc in self.server.procs[1:] for pid in _session_pids(proc.pid)],
            "PostgreSQL": [row[0] for row in rows],
        }

    def _sample(self, con: Any, *, initial: bool) -> None:
        for group, pids in self._groups(con).items():
            for pid in pids:
                used = _cpu([pid])
                self.first.setdefault((group, pid), used if initial else 0.0)
                self.last[(group, pid)] = used

    def _run(self) -> None:
        with pg_connect() as con:
            while not self.stopping.wait(0.5):
                self._sample(con, initial=False)
            self._sample(con, initial=False)

    def start(self) -> None:
        with pg_connect() as con:
            self._sample(con, initial=True)
        self.client, self.machine = time.process_time(), _machine_busy()
        self.thread.start()

    def stop(self, *, reports: int, seconds: float) -> str:
        self.stopping.set()
        self.thread.join()
        used = {"web": 0.0, "worker": 0.0, "PostgreSQL": 0.0}
        for key, last in self.last.items():
            used[key[0]] += last - self.first[key]
        used["client"] = time.process_time() - self.client
        ours = sum(used.values())
        others = max(0.0, _machine_busy() - self.machine - ours)
        per = ", ".join(f"{k} {v / max(1, reports) * 1000:.2f}" for k, v in used.items())
        return (
            f"CPU per report (ms): {per} = {ours / max(1, reports) * 1000:.2f}; "
            f"other processes on the machine used {others / seconds:.2f} of its {os.cpu_count()} cores"
        )


# --- the server's own timing ------------------------------------------------------------------------


def access_times(log: Path, *, start: int, end: int) -> list[float]:
    """Server-side milliseconds of the report posts logged between two offsets of the server's log."""
    with log.open("rb") as handle:
        handle.seek(start)
        lines = handle.read(end - start).decode("utf-8", "replace").splitlines()
    times = []
    for line in lines:
        parts = line.partition("ACCESS ")[2].split()  # ACCESS_FORMAT: method path status milliseconds
        if len(parts) == 4 and parts[0] == "POST" and parts[1] == SUBMIT_PATH:
            times.append(float(parts[3]))
    return times


def log_size(log: Path) -> int:
    return log.stat().st_size if log.exists() else 0


# --- after the load: what the database holds --------------------------------------------------------


def django_setup(env: dict[str, str]) -> None:
    for key in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL", "SIGAP_SECRET_KEY", "SIGAP_FIELD_KEYS"):
        os.environ[key] = env[key]
    for key in ("SIGAP_HMAC_KEY", "SIGAP_VAR_DIR", "SIGAP_TRUSTED_PROXIES", "SIGAP_LOG_LEVEL"):
        os.environ[key] = env[key]
    if "SIGAP_CACHE_URL" in env:
        os.environ["SIGAP_CACHE_URL"] = env["SIGAP_CACHE_URL"]
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def chunks(items: list[str], size: int = 2000) -> Iterator[list[str]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def wait_analysed(timeout: float) -> tuple[int, float]:
    """Wait until the worker has caught up (or ``timeout``); returns (still waiting, seconds waited)."""
    from sigap.intake.models import Report

    started = time.monotonic()
    while True:
        waiting = Report.objects.filter(analysed_at__isnull=True).count()
        if waiting == 0 or time.monotonic() - started > timeout:
            return waiting, time.monotonic() - started
        time.sleep(1)


def verify(phases: list[Phase], *, lost: int) -> dict[str, Any]:
    from django.db.models import Count, DurationField, ExpressionWrapper, F

    from sigap.intake.models import Channel, Report
    from sigap.intake.services import receipt_digest

    acknowledged = [r.receipt for p in phases for r in p.results if r.status == 201]
    digests = [receipt_digest(code) for code in acknowledged]
    stored: Counter[str] = Counter()
    for part in chunks(digests):
        rows = Report.objects.filter(receipt_digest__in=part).values("receipt_digest").annotate(n=Count("id"))
        stored.update({row["receipt_digest"]: row["n"] for row in rows})
    once = sum(stored[d] == 1 for d in digests)
    missing = sum(stored[d] == 0 for d in digests)
    more = sum(stored[d] > 1 for d in digests)
    acknowledged_set = set(digests)
    api_reports = Report.objects.filter(channel=Channel.API)
    unacknowledged = [
        d for d in api_reports.values_list("receipt_digest", flat=True) if d not in acknowledged_set
    ]
    delay = ExpressionWrapper(F("analysed_at") - F("created_at"), output_field=DurationField())
    delays = [
        d.total_seconds()
        for d in api_reports.filter(analysed_at__isnull=False)
        .annotate(delay=delay)
        .values_list("delay", flat=True)
    ]
    return {
        "acknowledged": len(digests),
        "distinct_receipts": len(acknowledged_set),
        "stored_once": once,
        "missing": missing,
        "duplicated": more,
        "unacknowledged": len(unacknowledged),
        "lost_answers": lost,
        "api_reports": api_reports.count(),
        "near_duplicates": api_reports.filter(near_duplicate_of__isnull=False).count(),
        "analysed": len(delays),
        "analysed_5s": sum(d <= 5 for d in delays),
        "delay_p50": percentile(delays, 50),
        "delay_p95": percentile(delays, 95),
    }


def rate_limit_shared(port: int) -> list[int]:
    """Eleven reports from one new address: the eleventh must be refused whichever worker answers."""
    texts = corpus_texts()
    codes = []
    for i in range(11):
        con = http.client.HTTPConnection("127.0.0.1", port, timeout=30)  # a new connection each time
        body = json.dumps({"text": f"{texts[i]} (cek batas {i})", "consent": True}).encode()
        con.request("POST", SUBMIT_PATH, body=body, headers=_headers(f"{VILLAGERS}:ffff::1"))
        response = con.getresponse()
        response.read()
        codes.append(response.status)
        con.close()
    return codes


# --- the run ---------------------------------------------------------------------------------------

ACCESS_FORMAT = "ACCESS %(method)s %(path)s %(status)d %(dt_ms).3f"


def choose_server(workers: int, threads: int, port: int) -> list[str]:
    """Granian (WSGI) for two cores: 2 processes x 4 blocking threads, the defaults of this bench.

    The request path is mostly Python, and a process runs Python on one core at a time (the GIL):
    two processes can use both cores; four threads per process overlap the waits on PostgreSQL, Redis
    and the audit chain's lock. Granian parses HTTP and keeps connections in Rust, outside the GIL.
    Measured on 2026-11-29 (20 s closed loop, alternating runs, same code): gunicorn gthread 2x4
    231 and 192 reports/s at 3.02 and 3.43 ms of web CPU per report; Granian 2x4 274 and 303/s at
    2.61 and 2.57 ms. (Earlier, for gunicorn: 2x6 and 3x4 won throughput only by taking CPU from the
    analysis worker, 4x2 spent more CPU per report.) ``--backpressure`` caps requests in flight per
    process: at 8 a keep-alive connection waited 20 s once; 64 is above what 50 clients bring.
    """
    return [
        str(BIN / "granian"),
        "--interface=wsgi",
        "sigap.wsgi:application",
        "--host=127.0.0.1",
        f"--port={port}",
        f"--workers={workers}",
        f"--blocking-threads={threads}",
        "--backpressure=64",
        "--no-ws",
        "--access-log",
        f"--access-log-fmt={ACCESS_FORMAT}",
    ]


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    # Stopped from outside (CI's time limit, kill): still stop the server and drop the database.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    problem = pg_reachable()
    if problem:
        print(
            f"bench intake API: skipped, PostgreSQL at {PG['host']}:{PG['port']} is not reachable ({problem})"
        )
        return 0
    redis = redis_reachable()
    var_dir = Path(tempfile.mkdtemp(prefix="sigap-bench-api-"))
    env = server_env(database=args.database, var_dir=var_dir, redis_db=9 if redis else None)
    sigap = str(BIN / "sigap")
    server = Server()
    failures: list[str] = []
    try:
        recreate_database(args.database)
        t0 = time.perf_counter()
        run_checked([sigap, "migrate", "--noinput"], env=env)
        run_checked([sigap, "demo", "--force"], env=env)
        setup_s = time.perf_counter() - t0
        port = free_port()
        access_log = var_dir / "server.log"  # Granian logs each request there (ACCESS_FORMAT)
        server.start(choose_server(args.workers, args.threads, port), env=env, log=access_log)
        for _ in range(args.analysis_workers):
            server.start([sigap, "worker"], env=env, log=var_dir / "worker.log")
        wait_healthy(port, server)
        texts = corpus_texts()
        villages = village_codes(env)
        print(
            f"intake API bench: PostgreSQL database {args.database} (migrate + demo {setup_s:.1f} s), "
            f"Granian WSGI {args.workers} workers x {args.threads} threads, "
            f"{args.analysis_workers} analysis worker(s), "
            f"rate-limit cache: {'Redis' if redis else 'per process (Redis not reachable)'}, "
            f"{args.clients} clients, {len(texts):,} corpus texts, {len(villages)} villages"
        )

        if autovacuum_off():
            print("  note: this PostgreSQL server runs with autovacuum=off (production runs it)")

        def bodies(i: int) -> Callable[[], bytes]:
            return Reports(texts, villages, seed=20261128 + i + 1000 * len(phases)).body

        phases: list[Phase] = []
        wanted = [p.strip() for p in args.phases.split(",") if p.strip()]
        baseline: dict[str, float] | None = None
        if "baseline" in wanted:
            base = run_phase(
                "baseline",
                port=port,
                clients=args.clients,
                seconds=args.baseline_seconds,
                method="GET",
                path="/healthz",
            )
            baseline = describe(base, status=200)
            print(
                f"  baseline GET /healthz ({args.baseline_seconds:.0f} s, closed loop): "
                f"{baseline['rate']:,.0f} req/s, "
                f"p50 {baseline['p50']:.1f} ms, p95 {baseline['p95']:.1f} ms  [{status_line(base)}]"
            )
        for name in ("capacity", "paced"):
            if name not in wanted:
                continue
            rate = args.rate if name == "paced" else 0
            log_start = log_size(access_log)
            meter = CpuMeter(server, args.database)
            meter.start()
            phase = run_phase(
                name, port=port, clients=args.clients, seconds=args.seconds, rate=rate, bodies=bodies
            )
            cpu_text = meter.stop(
                reports=sum(r.status == 201 for r in phase.results), seconds=phase.ended - phase.started
            )
            time.sleep(0.5)  # the server writes the last lines
            phases.append(phase)
            d = describe(phase, status=201)
            server_ms = access_times(access_log, start=log_start, end=log_size(access_log))
            label = "closed loop" if not rate else f"paced at {rate:.0f}/s"
            print(
                f"  POST {SUBMIT_PATH} {name} ({args.seconds:.0f} s, {label}): {d['rate']:,.1f} reports/s, "
                f"p50 {d['p50']:.1f} ms, p95 {d['p95']:.1f} ms, p99 {d['p99']:.1f} ms, "
                f"max {d['max']:.0f} ms  "
                f"[{status_line(phase)}]"
            )
            extra = (
                f"server-side (Granian) p50 {percentile(server_ms, 50):.1f} ms, "
                f"p95 {percentile(server_ms, 95):.1f} ms"
            )
            if rate:
                extra += f"; from send p95 {d['service_p95']:.1f} ms"
                unsent = round(rate * args.seconds) - len(phase.results)
                if unsent > rate:  # more than a second's worth: the server fell behind the schedule
                    extra += f"; {unsent:,} reports due were never sent (behind schedule)"
            if baseline:
                extra += f"; throughput = {d['rate'] / baseline['rate']:.2f}x baseline"
            print(f"    {extra}")
            print("    " + cpu_text)
            bad = [r for r in phase.results if r.status != 201]
            if bad:
                failures.append(f"{name}: {len(bad)} answers other than 201 ({status_line(phase)})")
                for r in bad[:3]:
                    print(f"    e.g. {r.status or r.error}")
        limit_codes = rate_limit_shared(port) if redis else []
        if limit_codes:
            ok = limit_codes == [201] * 10 + [429]
            print(
                f"  per-address limit across workers: 11 reports from one address -> "
                f"{limit_codes.count(201)} accepted, last {limit_codes[-1]} -> {'ok' if ok else 'WRONG'}"
            )
            if not ok:
                failures.append(f"per-address limit not shared across workers: {limit_codes}")

        django_setup(env)
        waiting, waited = wait_analysed(timeout=args.drain_seconds)
        lost = sum(1 for p in phases for r in p.results if r.status == 0)
        check = verify(phases, lost=lost)
        limit_extra = sum(code == 201 for code in limit_codes)
        unacknowledged = check["unacknowledged"] - limit_extra
        print(
            f"  database: {check['acknowledged']:,} acknowledged, "
            f"{check['stored_once']:,} stored exactly once, "
            f"{check['missing']} missing, {check['duplicated']} duplicated; "
            f"{unacknowledged} stored without an answer ({lost} answers lost)"
        )
        print(
            f"  analysis: {check['analysed_5s']:,} of {check['api_reports']:,} reports analysed within 5 s "
            f"({check['analysed_5s'] / max(1, check['api_reports']):.0%}); "
            f"delay p50 {check['delay_p50']:.1f} s, "
            f"p95 {check['delay_p95']:.1f} s; "
            + (
                f"{waiting:,} still waiting {waited:.0f} s after the load"
                if waiting
                else f"backlog drained {waited:.0f} s after the load"
            )
            + f"; near-duplicates flagged: {check['near_duplicates']:,}"
        )
        # The chain is checked with every writer stopped (the worker may still be appending).
        server.stop()
        verify_out = subprocess.run(
            [sigap, "audit-verify"], env=env, capture_output=True, text=True, check=False
        )
        said = (verify_out.stdout + verify_out.stderr).strip().splitlines()
        print(f"  audit-verify: {said[-1] if said else verify_out.returncode}")
        if verify_out.returncode != 0:
            failures.append("audit chain does not verify")
        if check["missing"] or check["duplicated"]:
            failures.append("acknowledged reports not stored exactly once")
        if unacknowledged > lost:
            failures.append(f"{unacknowledged} reports stored that were never acknowledged")
        paced = next((p for p in phases if p.name == "paced"), None)
        capacity = next((p for p in phases if p.name == "capacity"), None)
        if capacity and paced:
            cap, pac = describe(capacity, status=201), describe(paced, status=201)
            met = cap["rate"] >= GOAL_RATE and pac["p95"] < GOAL_P95_MS and pac["rate"] >= 0.98 * args.rate
            print(
                f"goal: >= {GOAL_RATE:.0f} reports/s and p95 < {GOAL_P95_MS:.0f} ms -> "
                f"capacity {cap['rate']:.0f}/s, "
                f"p95 at {args.rate:.0f}/s {pac['p95']:.0f} ms -> {'met' if met else 'NOT met'}"
            )
    finally:
        server.stop()
        if not args.keep:
            with contextlib.suppress(Exception):
                drop_database(args.database)
            shutil.rmtree(var_dir, ignore_errors=True)  # logs, outbox, uploads of this run
        else:
            print(f"  kept: database {args.database}, logs in {var_dir}")
    if failures:
        print("FAILED: " + "; ".join(failures))
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
