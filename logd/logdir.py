"""One logdir: start-up recovery, the write path, rotation, finalisation.

The write path emulates s6-log's "one write per read, then check the
size" at the granularity of the emulated 8191-byte reads (see reader.py)
but issues one write() per rotation, not one per window: windows are
only looked at when the chunk can cross the rotation threshold.

Everything that can fail at run time (a full disk, a vanished logdir, a
failing processor) is retried every ``r`` ms forever, holding the data in
memory: a line accepted is never dropped.  Rotation is a list of named
steps; a failed step is retried alone, as s6-log does.
"""
from __future__ import annotations

import os
import time

from logd.archives import is_archive, prune_victims
from logd.messages import Fatal, Reporter, strerror
from logd.script import Controls
from logd.stamps import tai64n_label

TYPE_CHECKING = False  # typing costs milliseconds at start-up; annotations are lazy

if TYPE_CHECKING:
    from typing import Callable


WAIT = object()  # a step that started a processor: resume on its exit

_PLAIN_STEPS = ("sync_current", "rename_current", "open_current", "chmod_previous",
                "archive_previous")
_PROC_STEPS = ("sync_current", "rename_current", "open_current", "chmod_previous",
               "spawn", "finish_processed", "finish_newstate", "unlink_previous",
               "rename_newstate", "archive_processed")


class StepError(Exception):
    """A rotation step failed: the text follows ``s6-log: warning: ``."""


class Env:
    """What all logdirs of one logger share (injected so tests are exact)."""

    def __init__(self, reporter: Reporter, umask: int,
                 clock: Callable[[], int] = time.time_ns,
                 monotonic: Callable[[], float] = time.monotonic,
                 spawn: Callable[[str, str, str], int] | None = None) -> None:
        self.reporter = reporter
        self.file_mode = 0o666 & ~umask
        self.clock = clock
        self.monotonic = monotonic
        self.spawn = spawn or _spawn_processor


def _spawn_processor(logdir: str, kind: str, text: str) -> int:
    from logd.processor import spawn  # only scripts with processors pay for it
    return spawn(logdir, kind, text)


class Logdir:
    def __init__(self, path: str, ctl: Controls, env: Env) -> None:
        self.path = path
        self.ctl = ctl
        self.env = env
        self.fd = -1
        self.lock_fd = -1
        self.b = 0
        self.held: list[bytes] = []
        self.steps: list[str] | None = None
        self.retry_at: float | None = None
        self.child: int | None = None
        self.periodic_at: float | None = None
        self._last_label = 0
        self._label: bytes | None = None
        # what counters.py reports (a few additions per batch)
        self.bytes_written = self.rotations = 0
        self.write_retries = self.processor_failures = 0

    # ------------------------------------------------------------ start-up

    def setup(self) -> None:
        """Create or recover the logdir (s6-log.md §6.2); raise Fatal."""
        ld = self.path
        try:
            os.mkdir(ld, 0o2700)
        except FileExistsError:
            pass
        except OSError as e:
            raise Fatal(f"unable to mkdir {ld}: {strerror(e)}") from None
        try:
            self.lock_fd = os.open(f"{ld}/lock", os.O_WRONLY | os.O_CREAT | os.O_CLOEXEC, 0o666)
        except OSError as e:
            raise Fatal(f"unable to open {ld}/lock: {strerror(e)}") from None
        import fcntl
        try:
            fcntl.lockf(self.lock_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as e:
            code = e.errno if e.errno not in (11, 13) else 16  # EAGAIN/EACCES -> EBUSY
            raise Fatal(f"unable to lock {ld}/lock: {strerror(code)}") from None
        current = f"{ld}/current"
        try:
            st = os.stat(current)
        except FileNotFoundError:
            st = None
        except OSError as e:
            raise Fatal(f"unable to stat {current}: {strerror(e)}") from None
        if st is not None and st.st_mode & 0o100:
            self.fd = self._open_current()
            self.b = os.fstat(self.fd).st_size
            try:
                os.fchmod(self.fd, st.st_mode & 0o7677)
            except OSError as e:
                raise Fatal(f"unable to fd_chmod {current}: {strerror(e)}") from None
        else:
            self._recover(st is not None)
        if self.ctl.R:
            self.periodic_at = self.env.monotonic() + self.ctl.R

    def _recover(self, have_current: bool) -> None:
        ld = self.path
        for name in ("state", "newstate"):
            _unlink_quiet(f"{ld}/{name}")
        label = self._next_label()
        try:
            st = os.stat(f"{ld}/processed")
        except OSError:
            st = None
        if st is not None and st.st_mode & 0o100:
            _unlink_quiet(f"{ld}/previous")
            self._startup_archive("processed", label + b".s", "processed .s")
        else:
            _unlink_quiet(f"{ld}/processed")
            if os.path.lexists(f"{ld}/previous"):
                self._startup_archive("previous", label + b".u", "previous .u")
        if have_current:
            self._startup_archive("current", label + b".u", "current .u")
        try:
            fd = os.open(f"{ld}/state", os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC,
                         0o666)
            os.close(fd)
        except OSError as e:
            raise Fatal(f"unable to open_trunc {ld}/state: {strerror(e)}") from None
        self.fd = self._open_current()
        self.b = 0
        self.prune()

    def _startup_archive(self, name: str, archive: bytes, what: str) -> None:
        try:
            self._archive(name, archive)
        except OSError as e:
            raise Fatal(f"unable to finish {what} for logdir {self.path}: {strerror(e)}") from None

    def _open_current(self) -> int:
        try:
            return os.open(f"{self.path}/current",
                           os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC, 0o666)
        except OSError as e:
            raise Fatal(f"unable to open_append {self.path}/current: {strerror(e)}") from None

    # ------------------------------------------------------------ writing

    @property
    def busy(self) -> bool:
        """Holding data or rotating: -b stops reading, exit must wait."""
        return bool(self.held) or self.steps is not None

    def push(self, out: bytes, windows: Callable[[], list[int]] | None = None) -> None:
        """Take the records of one read; ``windows`` gives their read ends."""
        if self.held or self.steps is not None:
            self.held.append(out)
            return
        self._emit(out, windows)

    def _emit(self, out: bytes, windows: Callable[[], list[int]] | None) -> None:
        ctl = self.ctl
        end = len(out)
        if self.b >= ctl.s and not self._rotate():
            self.held.append(out)
            return
        threshold = ctl.s - ctl.l
        offsets = windows() if windows is not None and self.b + end >= threshold else (end,)
        start = 0
        for off in offsets:
            if off <= start or (off < end and self.b + (off - start) < threshold):
                continue
            if not self._write(out, start, off):
                return
            start = off
            if self.b >= threshold and not self._rotate():
                if start < end:
                    self.held.append(out[start:])
                return

    def _write(self, out: bytes, start: int, stop: int) -> bool:
        """Write out[start:stop]; on failure hold out[written:] and retry later."""
        pos = start
        try:
            while pos < stop:
                chunk = out if (pos == 0 and stop == len(out)) else memoryview(out)[pos:stop]
                n = os.write(self.fd, chunk)
                if n <= 0:
                    raise OSError(28, os.strerror(28))
                pos += n
                self.b += n
                self.bytes_written += n
        except OSError as e:
            self.env.reporter.warn(f"unable to write to {self.path}/current: {strerror(e)}")
            self.held.append(out[pos:])
            self._schedule_retry()
            return False
        return True

    def _schedule_retry(self) -> None:
        self.write_retries += 1
        self.retry_at = self.env.monotonic() + self.ctl.r / 1000

    def _resume(self) -> None:
        """Write what was held, as s6-log's next write would: all at once."""
        if self.held and self.steps is None:
            data = b"".join(self.held)
            self.held = []
            self._emit(data, None)

    # ------------------------------------------------------------ rotation

    def alarm(self) -> None:
        """SIGALRM: rotate now if idle and current is not empty."""
        if self.steps is None and self.b > 0:
            self._rotate()
            self._resume()

    def _rotate(self) -> bool:
        """Start a rotation; True if it completed at once."""
        self.rotations += 1
        self.steps = list(_PROC_STEPS if self.ctl.processor else _PLAIN_STEPS)
        return self._run_steps()

    def _run_steps(self) -> bool:
        steps = self.steps
        while steps:
            try:
                result = getattr(self, "_step_" + steps[0])()
            except StepError as e:
                self.env.reporter.warn(str(e))
                self._schedule_retry()
                return False
            if result is WAIT:
                return False
            steps.pop(0)
        self.steps = None
        return True

    def _fail(self, what: str, e: OSError) -> StepError:
        return StepError(f"unable to {what}: {strerror(e)}")

    def _step_sync_current(self) -> None:
        try:
            os.fsync(self.fd)
        except OSError as e:
            raise self._fail(f"fd_sync {self.path}/current", e) from None

    def _step_rename_current(self) -> None:
        ld = self.path
        try:
            os.rename(f"{ld}/current", f"{ld}/previous")
        except OSError as e:
            raise self._fail(f"rename {ld}/current to {ld}/previous", e) from None

    def _step_open_current(self) -> None:
        try:
            fd = os.open(f"{self.path}/current",
                         os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC, 0o666)
        except OSError as e:
            raise self._fail(f"open_append {self.path}/current", e) from None
        os.close(self.fd)
        self.fd = fd
        self.b = 0

    def _step_chmod_previous(self) -> None:
        try:
            os.chmod(f"{self.path}/previous", self.env.file_mode | 0o100)
        except OSError as e:
            raise self._fail(f"chmod {self.path}/previous", e) from None

    def _step_archive_previous(self) -> None:
        self._finish("previous", "previous .s to logdir")

    def _step_spawn(self) -> object:
        kind, text = self.ctl.processor
        try:
            self.child = self.env.spawn(self.path, kind, text)
        except OSError as e:
            raise self._fail(f"fork processor for logdir {self.path}", e) from None
        return WAIT

    def _step_finish_processed(self) -> None:
        self._sync_file("processed", chmod=True)

    def _step_finish_newstate(self) -> None:
        self._sync_file("newstate", chmod=False)

    def _step_unlink_previous(self) -> None:
        try:
            os.unlink(f"{self.path}/previous")
        except FileNotFoundError:
            pass
        except OSError as e:
            raise self._fail(f"open_append {self.path}/previous", e) from None

    def _step_rename_newstate(self) -> None:
        ld = self.path
        try:
            os.rename(f"{ld}/newstate", f"{ld}/state")
        except OSError as e:
            raise self._fail(f"rename {ld}/newstate to {ld}/state", e) from None

    def _step_archive_processed(self) -> None:
        self._finish("processed", "processed .s to logdir")

    def _finish(self, name: str, what: str) -> None:
        label = self._label or self._next_label()
        self._label = label
        try:
            self._archive(name, label + b".s")
        except OSError as e:
            raise StepError(f"unable to finish {what} {self.path}: {strerror(e)}") from None
        self._label = None
        self.prune()

    def _sync_file(self, name: str, chmod: bool) -> None:
        path = f"{self.path}/{name}"
        try:
            fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC, 0o666)
        except OSError as e:
            raise self._fail(f"open_append {path}", e) from None
        try:
            try:
                os.fsync(fd)
            except OSError as e:
                raise self._fail(f"fd_sync {path}", e) from None
            if chmod:
                try:
                    os.fchmod(fd, self.env.file_mode | 0o100)
                except OSError as e:
                    raise self._fail(f"fd_chmod {path}", e) from None
        finally:
            os.close(fd)

    def child_exited(self, status: int) -> None:
        """The processor ended (wait status): go on, or retry after r ms."""
        self.child = None
        if os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0:
            self.steps.pop(0)  # "spawn" is done
            if self._run_steps():
                self._resume()
            return
        self.processor_failures += 1
        how = "failed" if os.WIFEXITED(status) else "crashed"
        self.env.reporter.warn(f"processor {how} in {self.path}")
        self._schedule_retry()

    def _archive(self, name: str, archive: bytes) -> None:
        src = f"{self.path}/{name}"
        if os.lstat(src).st_nlink == 1:
            os.link(src, os.path.join(os.fsencode(self.path), archive))
        os.unlink(src)

    def _next_label(self) -> bytes:
        ns = max(self.env.clock(), self._last_label + 1)
        self._last_label = ns
        return tai64n_label(ns)

    def prune(self) -> None:
        ld = self.path
        try:
            names = os.listdir(ld)
        except OSError as e:
            self.env.reporter.warn(f"unable to open directory {ld}: {strerror(e)}")
            return
        found = []
        for name in names:
            if is_archive(name):
                try:
                    found.append((name, os.stat(f"{ld}/{name}").st_size))
                except OSError as e:
                    self.env.reporter.warn(f"unable to stat {ld}/{name}: {strerror(e)}")
        for name in prune_victims(found, self.ctl.n, self.ctl.S):
            try:
                os.unlink(f"{ld}/{name}")
            except OSError as e:
                self.env.reporter.warn(f"unable to unlink {ld}/{name}: {strerror(e)}")

    # ------------------------------------------------------------ time

    def deadline(self) -> float | None:
        times = [t for t in (self.retry_at, self.periodic_at) if t is not None]
        return min(times) if times else None

    def on_time(self, now: float) -> None:
        if self.retry_at is not None and now >= self.retry_at and self.child is None:
            self.retry_at = None
            if self.steps is not None:
                if self._run_steps():
                    self._resume()
            else:
                self._resume()
        if self.periodic_at is not None and now >= self.periodic_at:
            while self.periodic_at <= now:
                self.periodic_at += self.ctl.R
            self.alarm()

    # ------------------------------------------------------------ exit

    def finalize(self) -> bool:
        """fsync current and mark it clean (u+x); False: retry in r ms."""
        try:
            os.fsync(self.fd)
        except OSError as e:
            self.env.reporter.warn(f"unable to fd_sync {self.path}/current: {strerror(e)}")
            self._schedule_retry()
            return False
        try:
            mode = os.fstat(self.fd).st_mode & 0o7777
            os.fchmod(self.fd, mode | 0o100)
        except OSError as e:
            self.env.reporter.warn(f"unable to fd_chmod {self.path}/current: {strerror(e)}")
            self._schedule_retry()
            return False
        return True


def _unlink_quiet(path: str) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
    except OSError:
        pass
