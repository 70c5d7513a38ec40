"""Clean process creation for everything PID 1 starts.

A user program must not inherit the interpreter's quirks:

* signal dispositions: CPython ignores SIGPIPE and SIGXFSZ, and SIG_IGN
  survives exec; every catchable signal is reset to SIG_DFL in the child
  (posix_spawn's ``setsigdef``) and the mask emptied (``setsigmask``);
* file descriptors: the child gets 0-2 and exactly the descriptors in
  ``fds``; every other one is closed before exec (Python opens everything
  O_CLOEXEC anyway, PEP 446; ``seal_inherited_fds()`` marks what *we*
  inherited close-on-exec at start-up);
* environment: CPython may add ``LC_CTYPE`` (PEP 538 locale coercion) to
  ``os.environ``; the environment we were *given* is read back from
  ``/proc/self/environ``, which still holds the original block.

Why fork() and not posix_spawn(): glibc's posix_spawn leaves its two
internal signals (32, 33) *ignored* in the child whenever the parent has
handlers for them, which every threaded-capable glibc process has, and
setsigdef cannot name them.  A forked child that calls execve gets them back
to SIG_DFL (the kernel resets handled signals at exec).  All signals are
blocked around fork() so that nothing reaches the child's inherited Python
handlers (which would write into PID 1's wakeup pipe) before they are reset.
Exec failures come back through a close-on-exec pipe as an OSError in the
parent, which is what s6-supervise's "unable to spawn ./run" needs.
"""
from __future__ import annotations

import _signal as signal  # C module: PID 1 avoids enum
import os

_SIGDEF = tuple(s for s in signal.valid_signals()
                if s not in (signal.SIGKILL, signal.SIGSTOP))
_ALL = signal.valid_signals()

_environ: dict[str, str] | None = None
_devnull = -1
_stdio: dict[int, int] = {}     # default fds 0-2 of children (set_child_stdio)


def devnull() -> int:
    """A shared /dev/null descriptor (close-on-exec), opened once."""
    global _devnull
    if _devnull < 0:
        _devnull = os.open(os.devnull, os.O_RDWR | os.O_CLOEXEC)
    return _devnull


def original_environ() -> dict[str, str]:
    """The environment this process was started with (not os.environ)."""
    global _environ
    if _environ is None:
        env: dict[str, str] = {}
        try:
            with open("/proc/self/environ", "rb") as f:
                raw = f.read()
            for item in raw.split(b"\0"):
                k, sep, v = item.partition(b"=")
                if sep and k:
                    env[os.fsdecode(k)] = os.fsdecode(v)
        except OSError:
            env = dict(os.environ)
            if os.environ.get("LC_CTYPE") == "C.UTF-8" and "LC_ALL" not in os.environ:
                # probably PEP 538 coercion; undo it
                env.pop("LC_CTYPE", None)
        _environ = env
    return _environ


def set_child_environ(env: dict[str, str]) -> None:
    """Replace the environment every child gets (PID 1 sets PATH-only envs)."""
    global _environ
    _environ = dict(env)


def set_child_stdio(fds: dict[int, int]) -> None:
    """Default fds 0-2 for children that are not given their own.

    PID 1 writes its own messages through a non-blocking description of the
    catch-all pipe (it must never block on a dead logger) while children get
    a blocking one; without this they would inherit PID 1's fds 0-2.
    """
    global _stdio
    _stdio = {k: v for k, v in fds.items() if k in (0, 1, 2)}


def _with_defaults(fds: dict[int, int] | None) -> dict[int, int]:
    if not _stdio:
        return dict(fds or {})
    out = {k: v for k, v in _stdio.items() if k not in (fds or {})}
    out.update(fds or {})
    return out


def seal_inherited_fds(keep: tuple[int, ...] = ()) -> None:
    """Mark every fd above 2 close-on-exec, except those in keep."""
    try:
        names = os.listdir("/proc/self/fd")
    except OSError:
        return
    for n in names:
        fd = int(n)
        if fd > 2 and fd not in keep:
            try:
                os.set_inheritable(fd, False)
            except OSError:
                pass


def _moves(fds: dict[int, int]) -> list[tuple[int, int]]:
    """dup2 steps placing fds[target] = source, safe against overlaps.

    A source that is also some target (or equals its own target, whose
    close-on-exec flag a self-dup2 would not clear) first goes to a
    temporary number above every fd involved, in the child only.
    """
    if not fds:
        return []
    targets = set(fds)
    if not any(src in targets for src in fds.values()):
        return [(src, tgt) for tgt, src in fds.items()]
    base = max(max(fds), max(fds.values())) + 1
    steps = [(src, base + i) for i, src in enumerate(fds.values())]
    steps += [(base + i, tgt) for i, tgt in enumerate(fds)]
    return steps


def _close_others(keep: set[int]) -> None:
    """In the child: close every fd above 2 not in keep.

    Everything of ours is close-on-exec already; this catches what is not
    (descriptors received over a socket, inherited ones) so that a service
    never holds, say, a client's stdout open.  /proc/self/fd rather than
    closerange(): without close_range(2) that loops over every possible fd.
    """
    try:
        names = os.listdir("/proc/self/fd")
    except OSError:
        return
    for name in names:
        fd = int(name)
        if fd > 2 and fd not in keep:
            try:
                os.close(fd)
            except OSError:
                pass


def start(argv: list[str], *, cwd: str | int | None = None, fds: dict[int, int] | None = None,
          env: dict[str, str] | None = None, new_session: bool = True,
          path: str | None = None, ctty: bool = False) -> tuple[int, int]:
    """Fork a clean child that execs argv; return (pid, exec-result fd).

    The parent does not wait for the exec: the returned fd (close-on-exec,
    to be watched by the loop, then closed by the caller) reads EOF if the
    exec succeeded, or 4 bytes of errno if it failed (the child then exits
    127).  ``exec_result()`` decodes it.  ``cwd``: a path or a directory fd;
    ``path``: the file to exec (default argv[0]); PATH lookups are the
    caller's (``which()``), so that the *child's* PATH is used.  ``ctty``:
    make the terminal on fd 0 the new session's controlling terminal (the
    container's CMD on ``docker run -t``).
    """
    prog = path if path is not None else argv[0]
    environ = original_environ() if env is None else env
    fds = _with_defaults(fds)
    if ctty:
        import fcntl
        import termios
    moves = _moves(fds or {})
    temps = {tgt for _, tgt in moves} - set(fds or {})
    # Only what is not SIG_DFL needs resetting (getsignal is a table lookup).
    dirty = [sig for sig in _SIGDEF if signal.getsignal(sig) is not signal.SIG_DFL]
    r, w = os.pipe2(os.O_CLOEXEC)
    old = signal.pthread_sigmask(signal.SIG_SETMASK, _ALL)
    try:
        pid = os.fork()
        if pid == 0:  # pragma: no cover - runs in the child until execve
            err = 0
            try:
                for sig in dirty:
                    signal.signal(sig, signal.SIG_DFL)
                signal.pthread_sigmask(signal.SIG_SETMASK, ())
                if new_session:
                    os.setsid()
                for src, tgt in moves:
                    os.dup2(src, tgt)
                for tmp in temps:
                    os.close(tmp)
                if ctty and new_session:
                    for steal in (0, 1):    # 1: take it from another session (root only)
                        try:
                            fcntl.ioctl(0, termios.TIOCSCTTY, steal)
                            break
                        except OSError:
                            pass
                if isinstance(cwd, int):
                    os.fchdir(cwd)
                elif cwd is not None:
                    os.chdir(cwd)
                _close_others(set(fds or ()) | {w})
                os.execve(prog, argv, environ)
            except OSError as e:
                err = e.errno or 0
            except BaseException:  # noqa: BLE001
                pass
            try:
                os.write(w, (err or 8).to_bytes(4, "little"))   # 8: ENOEXEC
            finally:
                os._exit(127)
    except BaseException:
        os.close(r)
        raise
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)
        os.close(w)
    return pid, r


def exec_result(fd: int) -> int:
    """Read a start() result fd to the end: 0 if exec succeeded, else the errno."""
    data = b""
    while True:
        chunk = os.read(fd, 4)
        if not chunk:
            break
        data += chunk
    return int.from_bytes(data[:4].ljust(4, b"\0"), "little") if data else 0


def spawn(argv: list[str], *, cwd: str | int | None = None, fds: dict[int, int] | None = None,
          env: dict[str, str] | None = None, new_session: bool = True,
          path: str | None = None, ctty: bool = False) -> int:
    """start(), then wait for the exec: return the pid or raise OSError."""
    pid, r = start(argv, cwd=cwd, fds=fds, env=env, new_session=new_session, path=path,
                   ctty=ctty)
    try:
        err = exec_result(r)
    finally:
        os.close(r)
    if err:
        os.waitpid(pid, 0)
        prog = path if path is not None else argv[0]
        raise OSError(err, os.strerror(err), prog)
    return pid


def which(name: str, env: dict[str, str] | None = None) -> str | None:
    """execvp's lookup with the child's PATH (names with / are returned as is)."""
    if "/" in name:
        return name
    environ = original_environ() if env is None else env
    for d in environ.get("PATH", "/usr/bin:/bin").split(":"):
        cand = os.path.join(d or ".", name)
        if os.access(cand, os.X_OK) and not os.path.isdir(cand):
            return cand
    return None


def fork_call(target: str, argv: list[str], *, cwd: str | int | None = None,
              fds: dict[int, int] | None = None, env: dict[str, str] | None = None) -> int:
    """Fork a child that runs ``module:function(argv[1:])`` without an exec; return its pid.

    Why: PID 1's own programs (s6-overlay's legacy oneshots: cont-init,
    services-up...) would otherwise cost an interpreter start each (tens of
    ms, at every boot).  The child is made as clean as an exec'd one would
    be: default signal dispositions (SIGPIPE ignored, as any Python program
    has it), empty mask, no wakeup fd, a new session, only ``fds`` (and 0-2)
    open, ``env`` as both ``os.environ`` and its children's environment.
    It exits with the function's return value (111 on an exception).
    """
    environ = dict(original_environ() if env is None else env)
    fds = _with_defaults(fds)
    moves = _moves(fds)
    temps = {tgt for _, tgt in moves} - set(fds)
    dirty = [sig for sig in _SIGDEF if signal.getsignal(sig) is not signal.SIG_DFL]
    import sys
    for f in (sys.stdout, sys.stderr):
        try:
            f.flush()
        except (OSError, ValueError, AttributeError):
            pass
    old = signal.pthread_sigmask(signal.SIG_SETMASK, _ALL)
    try:
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child never returns
            code = 111
            try:
                signal.set_wakeup_fd(-1)
                for sig in dirty:
                    signal.signal(sig, signal.SIG_DFL)
                signal.signal(signal.SIGPIPE, signal.SIG_IGN)
                signal.pthread_sigmask(signal.SIG_SETMASK, ())
                os.setsid()
                for src, tgt in moves:
                    os.dup2(src, tgt)
                for tmp in temps:
                    os.close(tmp)
                if isinstance(cwd, int):
                    os.fchdir(cwd)
                elif cwd is not None:
                    os.chdir(cwd)
                _close_others(set(fds))
                global _stdio, _devnull
                _stdio, _devnull = {}, -1
                set_child_environ(environ)
                os.environ.clear()
                os.environ.update(environ)
                sys.argv = list(argv)
                module, _, func = target.partition(":")
                mod = __import__(module, fromlist=[func])
                code = getattr(mod, func)(list(argv[1:]))
            except SystemExit as e:
                code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
            except BaseException:  # noqa: BLE001
                import traceback
                traceback.print_exc()
                code = 111
            finally:
                for f in (sys.stdout, sys.stderr):
                    try:
                        f.flush()
                    except BaseException:  # noqa: BLE001
                        pass
                os._exit(int(code or 0) & 0xFF)
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)
    return pid
