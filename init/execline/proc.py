"""Processes: PATH lookup, clean exec, spawn, wait statuses.

Every program we exec or spawn gets a clean process: SIGPIPE and SIGXFSZ back
to SIG_DFL (CPython ignores them and SIG_IGN survives exec), an empty signal
mask, and only the descriptors meant for it (Python opens everything
O_CLOEXEC).  External programs are spawned with os.posix_spawn, which resets
those signals in the child and reports exec failures to the parent as
execline's spawn does; in-process chains run in a forked child.
"""
from __future__ import annotations

import os

try:
    import _signal as _sig
except ImportError:  # pragma: no cover - other interpreters
    import signal as _sig  # type: ignore[no-redef]

from .errors import fatal, strerror

# s6-overlay builds skalibs with --with-default-path=/command:/usr/bin:/bin:
# with PATH unset (after ``exec -c`` or ``emptyenv``) scripts still find the
# /command programs, s6-log among them.
DEFAULT_PATH = "/command:/usr/bin:/bin"
_RESET = (_sig.SIGPIPE, _sig.SIGXFSZ)


def reset_signals() -> None:
    """Give the current process default dispositions and an empty mask."""
    for s in _RESET:
        _sig.signal(s, _sig.SIG_DFL)
    if _sig.getsignal(_sig.SIGINT) is _sig.default_int_handler:
        _sig.signal(_sig.SIGINT, _sig.SIG_DFL)
    _sig.pthread_sigmask(_sig.SIG_SETMASK, ())


def candidates(name: str, path: str | None) -> list[str]:
    """The file names execvp-style lookup tries for name."""
    if "/" in name:
        return [name]
    if path is None:
        path = DEFAULT_PATH
    return [(d or ".") + "/" + name for d in path.split(":")]


def find(name: str, path: str | None) -> tuple[str | None, int]:
    """(first executable candidate, errno to report if none)."""
    err = 2  # ENOENT
    if not name:
        return None, err
    for cand in candidates(name, path):
        try:
            st = os.stat(cand)
        except OSError as e:
            if e.errno != 2 and e.errno != 20:
                err = e.errno or err
            continue
        if (st.st_mode & 0o170000) != 0o100000 or not os.access(cand, os.X_OK):
            err = 13  # EACCES
            continue
        return cand, 0
    return None, err


def execute(prog: str, argv: list[str], env: dict[str, str], path: str | None,
            argv0: str | None = None) -> None:
    """Exec argv (never returns): exit 127/126 with execline's message on failure."""
    reset_signals()
    args = list(argv)
    if argv0 is not None:
        args[0] = argv0
    err = 2
    # CPython refuses an empty argv[0] and variable names that are empty or
    # contain "="; execline passes them through, so use execve(2) directly then.
    raw = needs_raw(args, env)
    do_exec = _raw_execve if raw else os.execve
    for cand in candidates(argv[0], path):
        try:
            do_exec(cand, args, env)
        except OSError as e:
            if e.errno not in (2, 20) or "/" in argv[0]:
                err = e.errno or err
            if e.errno not in (2, 20, 13):
                break
    raise fatal(prog, 127 if err == 2 else 126, f"unable to exec {argv[0]}: {strerror(err)}")


def bad_env(env: dict[str, str]) -> bool:
    """True when CPython's exec/spawn wrappers would refuse env's names."""
    return any(not k or "=" in k for k in env)


def needs_raw(argv: list[str], env: dict[str, str]) -> bool:
    """True when CPython's exec wrappers would refuse argv or env."""
    return not argv[0] or bad_env(env)


def _raw_execve(path: str, argv: list[str], env: dict[str, str]) -> None:
    """execve(2) through ctypes, without CPython's argument checks."""
    import ctypes
    libc = ctypes.CDLL(None, use_errno=True)
    enc = os.fsencode
    cargv = (ctypes.c_char_p * (len(argv) + 1))(*[enc(a) for a in argv], None)
    items = [enc(k) + b"=" + enc(v) for k, v in env.items()]
    cenv = (ctypes.c_char_p * (len(items) + 1))(*items, None)
    libc.execve(enc(path), cargv, cenv)
    e = ctypes.get_errno()
    raise OSError(e, os.strerror(e))


def spawn_external(argv: list[str], env: dict[str, str], path: str | None,
                   file_actions: list[tuple] | None = None, setpgroup: int | None = None) -> int:
    """posix_spawn argv after a PATH lookup; raise OSError if it cannot start."""
    found, err = find(argv[0], path)
    if found is None:
        raise OSError(err, strerror(err))
    kw: dict = {"setsigdef": _RESET, "setsigmask": ()}
    if file_actions:
        kw["file_actions"] = file_actions
    if setpgroup is not None:
        kw["setpgroup"] = setpgroup
    return os.posix_spawn(found, argv, env, **kw)


def code_of(status: int) -> int:
    """A wait status as execline's ``?`` sees it: exit code, or 256 + signal."""
    if os.WIFSIGNALED(status):
        return 256 + os.WTERMSIG(status)
    return os.WEXITSTATUS(status)


def approx(status: int) -> int:
    """Exit code approximation of a child's status (execline's exitcodes page)."""
    if os.WIFSIGNALED(status):
        return 128 + os.WTERMSIG(status)
    code = os.WEXITSTATUS(status)
    return 128 if code >= 128 else code


def wait_pid(pid: int) -> int:
    """waitpid that survives EINTR; returns the raw status."""
    while True:
        try:
            return os.waitpid(pid, 0)[1]
        except InterruptedError:  # pragma: no cover - PEP 475 retries already
            continue


def wait_timeout(pid: int, timeout: float | None) -> int | None:
    """Wait for pid at most timeout seconds (None: forever); status or None."""
    if timeout is None:
        return wait_pid(pid)
    import select
    import time
    deadline = time.monotonic() + timeout
    try:
        pidfd = os.pidfd_open(pid)
    except (AttributeError, OSError):
        pidfd = -1
    try:
        while True:
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                return status
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            if pidfd >= 0:
                select.select([pidfd], [], [], left)
            else:
                time.sleep(min(left, 0.01))
    finally:
        if pidfd >= 0:
            os.close(pidfd)
