"""From ``/init`` to the event loop: what s6-overlay does before s6-svscan runs.

/init (PATH, Docker's fd-3 readiness), s6-overlay-suexec (PID 1 or, since
DECISIONS #16, a child subreaper), preinit (/run), stage0 (S6_* readings,
the catch-all user, the working directory), stage 1 (run image, the
container environment, the child environment); then ``Container.run``.
Signals that would end the container are blocked until the loop handles
them, so a ``docker stop`` during boot is not lost.
"""
from __future__ import annotations

import _signal as signal
import os

from init import contenv, spawn
from init.pid1 import signals as sigs
from init.settings import Stage0, digits, nonzero

SUEXEC = "s6-overlay-suexec"
PR_SET_CHILD_SUBREAPER = 36


def _err(text: str) -> None:
    try:
        os.write(2, (text + "\n").encode(errors="replace"))
    except OSError:
        pass


def docker_readiness() -> None:
    """/init reads one line from fd 3 if it is open for reading; a full line closes it."""
    try:
        import fcntl
        flags = fcntl.fcntl(3, fcntl.F_GETFL)
    except OSError:
        return
    if flags & os.O_ACCMODE == os.O_WRONLY:
        return
    data = b""
    try:
        while not data.endswith(b"\n"):
            c = os.read(3, 1)
            if not c:
                return
            data += c
    except OSError:
        return
    try:
        os.close(3)
    except OSError:
        pass


def wait_closing_fd(fd: int) -> None:
    """S6_WAIT_FOR_CLOSING_FD: read fd until EOF before anything else happens."""
    warned = False
    while True:
        try:
            data = os.read(fd, 4096)
        except OSError:
            return
        if not data:
            break
        if not warned:
            _err(f"s6-linux-init: warning: data was written to fd {fd}, ignoring it")
            warned = True
    try:
        os.close(fd)
    except OSError:
        pass


def become_subreaper() -> bool:
    import ctypes
    libc = ctypes.CDLL(None, use_errno=True)
    return libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0


def catchall_owner(user: str) -> tuple[int, int] | None | bool:
    """(uid, gid) of S6_CATCHALL_USER, None if unset, False if unknown."""
    if not user:
        return None
    from init.helpers.privs import lookup
    ids = lookup(user, None)
    return False if ids is None else (ids[0], ids[1])


def run(argv: list[str]) -> int:
    mask = signal.pthread_sigmask(signal.SIG_BLOCK, sigs.HANDLED)
    os.umask(0o022)
    env = dict(spawn.original_environ())
    env["PATH"] = contenv.fix_path(env.get("PATH"))
    docker_readiness()
    cfg = Stage0(env)
    subreaper = os.getpid() != 1
    if subreaper:
        if cfg.require_pid1:
            _err(f"{SUEXEC}: fatal: can only run as pid 1")
            return 100
        if not become_subreaper():
            _err(f"{SUEXEC}: fatal: can only run as pid 1 or as a child subreaper")
            return 100
        if cfg.verbosity >= 1:
            _err(f"{SUEXEC}: warning: not running as pid 1 (pid {os.getpid()}): running as a "
                 "child subreaper instead (S6_REQUIRE_PID1=1 refuses)")
    spawn.seal_inherited_fds(() if cfg.closing_fd is None else (cfg.closing_fd,))

    from init.pid1.preinit import Fatal, Preinit
    try:
        Preinit(cfg.preinit_v, cfg.read_only_root, cfg.world_writable_ok).run()
    except Fatal as f:
        return f.code

    owner = catchall_owner(cfg.catchall_user) if cfg.logging else None
    if owner is False:
        _err(f"s6-linux-init-maker: fatal: unable to find user {cfg.catchall_user} "
             "in passwd database")
        return 100
    workdir = os.getcwd() if os.path.isdir(".") else "/"

    if cfg.closing_fd is not None:
        wait_closing_fd(cfg.closing_fd)
    os.chdir("/")
    from init.pid1 import runimage
    try:
        runimage.make(workdir)
        if not cfg.keep_env:
            contenv.dump(env, contenv.CONTAINER_ENV)
    except OSError as e:
        _err(f"s6-linux-init: fatal: unable to set up /run: {e.strerror} ({e.filename})")
        return 111
    child_env = env if cfg.keep_env else {"PATH": env["PATH"]}
    if nonzero(env.get("S6_LOGGING_COUNTERS")):
        # every logger and s6-socklog of the tree keeps counters (logd/counters.py),
        # registered where any of them, whatever its user, may add its link
        child_env = dict(child_env, S6PY_COUNTERS="1")
        try:
            os.makedirs("/run/s6py/counters", 0o755, exist_ok=True)
            os.chmod("/run/s6py/counters", 0o1777)
        except OSError as e:
            _err(f"s6-linux-init: warning: unable to create /run/s6py/counters: {e.strerror}")
    spawn.set_child_environ(child_env)

    from init.pid1.container import Container
    receive = digits(env.get("S6_CMD_RECEIVE_SIGNALS"), 0) > 0
    c = Container(cfg, argv, child_env, subreaper, receive)
    try:
        c.setup(owner)
    except Exception as e:  # noqa: BLE001 - reported, then the container ends
        _err(f"s6-linux-init: fatal: unable to start the supervision tree: {e}")
        return 111
    signal.pthread_sigmask(signal.SIG_SETMASK, mask)
    code = c.run()
    return code
