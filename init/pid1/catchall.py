"""The catch-all logger (S6_LOGGING 1 and 2; init.md §7, DECISIONS #1-#3).

One pipe that PID 1 creates and keeps both ends of, so the logger can die
and restart without losing what was written meanwhile: the supervision
tree's (and in mode 2 the CMD's) stdout and stderr go into it, and the
supervised service ``/run/service/s6-svscan-log`` runs logd on its read
end: ``s6-log -bpd3 -- [1] [t] [T] /run/uncaught-logs``.  ``1`` (mode 1)
copies every line, unstamped, to the container's stderr; t/T come from
S6_LOGGING_SCRIPT (its documented default ``T`` when unset, DECISIONS #2);
rotation is s6-log's default.  PID 1 writes its own messages through a
*non-blocking* description of the same pipe: a dead logger must never
block the supervisor.
"""
from __future__ import annotations

import os

from init import pyexec

SERVICE = "s6-svscan-log"
LOGDIR = "/run/uncaught-logs"
F_SETPIPE_SZ = 1031


def logger_args(mode: int, stamps: list[str]) -> list[str]:
    """logd's command line (pure)."""
    return ["-bpd3", "--"] + (["1"] if mode == 1 else []) + list(stamps) + [LOGDIR]


class CatchAll:
    def __init__(self) -> None:
        self.r, self.w = os.pipe2(os.O_CLOEXEC)
        try:
            import fcntl
            fcntl.fcntl(self.w, F_SETPIPE_SZ, 1 << 20)   # room while the logger starts
        except OSError:
            pass
        self.w_nb = os.open(f"/proc/self/fd/{self.w}", os.O_WRONLY | os.O_NONBLOCK
                            | os.O_CLOEXEC)

    def setup(self, scandir: str, mode: int, stamps: list[str], user: str,
              owner: tuple[int, int] | None) -> None:
        """The logdir (02750, the catch-all user's) and the service directory."""
        os.makedirs(LOGDIR, 0o2750, exist_ok=True)
        os.chmod(LOGDIR, 0o2750)
        if owner is not None and os.geteuid() == 0:
            os.chown(LOGDIR, owner[0], owner[1])
        d = os.path.join(scandir, SERVICE)
        os.makedirs(d, 0o755, exist_ok=True)
        args = (["-u", user] if user else []) + ["--"] + logger_args(mode, stamps)
        text = pyexec.script("init.helpers.catchall_logger:main", args, pass_args=False)
        pyexec.write_script(os.path.join(d, "run"), text, 0o755)
        with open(os.path.join(d, "notification-fd"), "w") as f:
            f.write("3\n")

    def close_writers(self) -> None:
        for attr in ("w", "w_nb"):
            fd = getattr(self, attr)
            if fd >= 0:
                try:
                    os.close(fd)
                except OSError:
                    pass
                setattr(self, attr, -1)
