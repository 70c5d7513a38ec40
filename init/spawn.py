"""Clean process creation for everything PID 1 starts.

A user program must not inherit the interpreter's quirks:

* signal dispositions: CPython ignores SIGPIPE and SIGXFSZ, and SIG_IGN
  survives exec; every catchable signal is reset to SIG_DFL in the child
  (posix_spawn's ``setsigdef``) and the mask emptied (``setsigmask``);
* file descriptors: Python opens everything O_CLOEXEC (PEP 446); the child
  gets 0-2 and exactly the descriptors in ``fds``; ``seal_inherited_fds()``
  marks what *we* inherited above 2 close-on-exec at start-up;
* environment: CPython may add ``LC_CTYPE`` (PEP 538 locale coercion) to
  ``os.environ``; the environment we were *given* is read back from
  ``/proc/self/environ``, which still holds the original block.

posix_spawn (vfork + exec in glibc) is cheap for a large parent and reports
exec failures (ENOENT, EACCES, ENOEXEC) as an OSError in the parent, which is
what s6-supervise's "unable to spawn ./run" needs.  It has no chdir action,
so the loop, being single-threaded, chdirs around the call.
"""
from __future__ import annotations

import os
import signal

_SIGDEF = tuple(s for s in signal.valid_signals()
                if s not in (signal.SIGKILL, signal.SIGSTOP))
_DUP2 = os.POSIX_SPAWN_DUP2
_CLOSE = os.POSIX_SPAWN_CLOSE

_environ: dict[str, str] | None = None


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


def _file_actions(fds: dict[int, int]) -> list[tuple]:
    """dup2 actions placing fds[target] = source, safe against overlaps.

    A source that is also some target (or equals its own target, whose
    close-on-exec flag a self-dup2 would not clear) first goes to a
    temporary number above every fd involved, in the child only.
    """
    if not fds:
        return []
    targets = set(fds)
    conflict = any(src in targets for src in fds.values())
    if not conflict:
        return [(_DUP2, src, tgt) for tgt, src in fds.items()]
    base = max(max(fds), max(fds.values())) + 1
    acts: list[tuple] = []
    temps = []
    for i, (tgt, src) in enumerate(fds.items()):
        acts.append((_DUP2, src, base + i))
        temps.append((base + i, tgt))
    for tmp, tgt in temps:
        acts.append((_DUP2, tmp, tgt))
    for tmp, _ in temps:
        acts.append((_CLOSE, tmp))
    return acts


def spawn(argv: list[str], *, cwd: str | None = None, fds: dict[int, int] | None = None,
          env: dict[str, str] | None = None, new_session: bool = True,
          path: str | None = None) -> int:
    """Start argv in a clean process; return its pid or raise OSError.

    ``fds`` maps child fd -> our fd (0-2 not listed are inherited as they
    are).  ``path``: the file to exec (default argv[0]); the caller resolves
    PATH lookups with ``which()`` so that the *child's* PATH is used.
    """
    prog = path if path is not None else argv[0]
    kwargs = {
        "setsigdef": _SIGDEF,
        "setsigmask": (),
    }
    if new_session:
        kwargs["setsid"] = True
    acts = _file_actions(fds or {})
    if acts:
        kwargs["file_actions"] = acts
    environ = original_environ() if env is None else env
    if cwd is None:
        return os.posix_spawn(prog, argv, environ, **kwargs)
    home = os.open(".", os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        os.chdir(cwd)
        try:
            return os.posix_spawn(prog, argv, environ, **kwargs)
        finally:
            os.fchdir(home)
    finally:
        os.close(home)


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
