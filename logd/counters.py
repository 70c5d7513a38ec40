"""Loss and health accounting: a small JSON file per logdir, for ``s6py health``.

Why: "is my logger keeping up, has it lost or cut anything" is the first
question in production, and s6-log answers it only on stderr, one warning
at a time.  With ``S6PY_COUNTERS=1`` in its environment (``/init`` sets it
for every service when the container has ``S6_LOGGING_COUNTERS=1``), logd
keeps counters and writes them to ``LOGDIR/.s6py-counters.json``:

    program, pid, logdir, started, updated  (Unix seconds), state
    bytes               written to this logdir (since start)
    rotations, write_retries, processor_failures, held_bytes  (this logdir)
    split               lines cut at the line limit (-l), all logdirs
    blocked_ms          time reading was stopped by -b back-pressure

The file is replaced (write + rename, never torn) after a batch, at most
every ``INTERVAL`` seconds, and once more at exit (state "exited"); the
counting itself is a few integer additions per batch, off the per-line
path (so lines are not counted: bytes are; counting newlines would cost a
pass over every byte written).  Each file is also registered in ``REGISTRY`` (``$S6PY_COUNTERS_DIR``,
default ``/run/s6py/counters``): a symlink named after the file's path, so
``s6py health`` finds every logger's file without knowing the scripts.
Without the variable nothing is counted or written: the logdir is exactly
what s6-log leaves.
"""
from __future__ import annotations

import json
import os
import time

TYPE_CHECKING = False  # typing costs milliseconds at start-up; annotations are lazy
if TYPE_CHECKING:
    from logd.logdir import Logdir

FILE = ".s6py-counters.json"
INTERVAL = 0.5
ENV = "S6PY_COUNTERS"
REGISTRY = "/run/s6py/counters"


def registry(environ: dict | None = None) -> str:
    env = os.environ if environ is None else environ
    return env.get("S6PY_COUNTERS_DIR") or REGISTRY


def register(path: str, environ: dict | None = None) -> None:
    """Link ``path`` (a counters file) into the registry; best effort."""
    path = os.path.abspath(path)
    d = registry(environ)
    name = path.replace("%", "%25").replace("/", "%2F")
    link = os.path.join(d, name)
    try:
        os.makedirs(d, 0o755, exist_ok=True)
        if os.path.islink(link) and os.readlink(link) == path:
            return
        tmp = f"{link}.{os.getpid()}.tmp"
        os.symlink(path, tmp)
        os.rename(tmp, link)
    except OSError:
        pass


def enabled(environ: dict | None = None) -> bool:
    env = os.environ if environ is None else environ
    return env.get(ENV, "") not in ("", "0")


class Counters:
    """The process-wide figures, and the writer of every logdir's file."""

    def __init__(self, logdirs: list[Logdir], program: str = "s6-log",
                 clock=time.time, monotonic=time.monotonic) -> None:
        self.logdirs = logdirs
        self.program = program
        self.clock, self.monotonic = clock, monotonic
        self.started = clock()
        self.split = 0
        self.blocked = 0.0
        self._blocked_since: float | None = None
        self._written_at = -INTERVAL
        for ld in logdirs:
            register(os.path.join(ld.path, FILE))

    def blocked_now(self, blocked: bool) -> None:
        """The read loop says whether -b is holding reading back."""
        now = self.monotonic()
        if blocked and self._blocked_since is None:
            self._blocked_since = now
        elif not blocked and self._blocked_since is not None:
            self.blocked += now - self._blocked_since
            self._blocked_since = None

    def tick(self, force: bool = False, state: str = "running") -> None:
        now = self.monotonic()
        if not force and now - self._written_at < INTERVAL:
            return
        self._written_at = now
        blocked = self.blocked
        if self._blocked_since is not None:
            blocked += now - self._blocked_since
        base = {"program": self.program, "pid": os.getpid(), "started": round(self.started, 6),
                "updated": round(self.clock(), 6), "state": state, "split": self.split,
                "blocked_ms": int(blocked * 1000)}
        for ld in self.logdirs:
            doc = dict(base, logdir=os.path.abspath(ld.path), bytes=ld.bytes_written, rotations=ld.rotations,
                       write_retries=ld.write_retries, processor_failures=ld.processor_failures,
                       held_bytes=sum(map(len, ld.held)))
            write_json(os.path.join(ld.path, FILE), doc)


def write_json(path: str, doc: dict) -> None:
    """Replace ``path`` with ``doc`` atomically; a failure is not the logger's problem."""
    tmp = f"{path}.{os.getpid()}.tmp"
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o644)
        try:
            os.write(fd, json.dumps(doc, sort_keys=True).encode() + b"\n")
        finally:
            os.close(fd)
        os.rename(tmp, path)
    except OSError:
        try:
            os.unlink(tmp)
        except OSError:
            pass
