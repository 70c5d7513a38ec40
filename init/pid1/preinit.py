"""preinit: make /run usable, /var/run a link to it, and clear stale state (init.md §4.2).

Runs before anything else, with the container's own ids (s6py has no
setuid helper: a ``USER`` container does this unprivileged, and the fatal
messages then say how to prepare /run).  Messages go to the container's
stderr with preinit's prefix; ``fatal`` returns the exit code for /init.
"""
from __future__ import annotations

import os

from init.pid1 import preinit_rules as rules
from init.pid1.sysops import group_name, mount, mount_options, rmrf, rmtree, user_name

PROG = rules.PROG


class Fatal(Exception):
    def __init__(self, code: int) -> None:
        super().__init__(code)
        self.code = code


class Preinit:
    def __init__(self, verbosity: int, read_only_root: bool, world_ok: bool,
                 write=None) -> None:
        self.v = verbosity
        self.read_only_root = read_only_root
        self.world_ok = world_ok
        self._write = write or (lambda text: os.write(2, text.encode(errors="replace")))
        self.uid, self.euid = os.getuid(), os.geteuid()
        self.gid, self.egid = os.getgid(), os.getegid()

    # ------------------------------------------------------------ messages

    def _say(self, kind: str, text: str) -> None:
        try:
            self._write(f"{PROG}: {kind}: {text}\n")
        except OSError:
            pass

    def info(self, text: str) -> None:
        if self.v > 1:
            self._say("info", text)

    def warning(self, text: str) -> None:
        if self.v > 0:
            self._say("warning", text)

    def fatal(self, text: str, code: int = 100, help_text: bool = False) -> Fatal:
        if help_text:
            text += " " + rules.run_help(self.uid, self.gid)
        self._say("fatal", text)
        return Fatal(code)

    # ------------------------------------------------------------ steps

    def run(self) -> None:
        """Raise Fatal(code) if the container cannot start."""
        self.make_run()
        st = os.stat("/run")
        self.info(f"container permissions: uid={self.uid} ({user_name(self.uid)}), euid={self.euid}, "
                  f"gid={self.gid} ({group_name(self.gid)}), egid={self.egid}")
        self.info(f"/run permissions: uid={st.st_uid} ({user_name(st.st_uid)}), gid={st.st_gid} "
                  f"({group_name(st.st_gid)}), perms={rules.perms(st.st_mode)}")
        action, text = rules.ownership(st.st_uid, st.st_gid, st.st_mode & 0o7777, self.uid,
                                       self.gid, self.euid, self.egid, self.world_ok)
        if action == "fatal":
            raise self.fatal(text, help_text=True)
        if action == "warning":
            self.warning(text)
        elif action:
            self.info(text)
        if action == "fix":
            try:
                os.chown("/run", self.uid, self.gid)
                os.chmod("/run", 0o755)
            except OSError as e:
                raise self.fatal(f"unable to chown /run: {e.strerror}", 111) from None
        self.var_run()
        self.clean()

    def make_run(self) -> None:
        if not self.read_only_root:
            try:
                os.makedirs("/run", 0o755, exist_ok=True)
            except OSError as e:
                raise self.fatal(f"unable to mkdir /run: {e.strerror}", 111,
                                 help_text=True) from None
            return
        self.info("read-only root")
        if not os.path.isdir("/run"):
            raise self.fatal("/run is missing or not a directory")
        probe = "/run/test of writability"
        try:
            os.close(os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644))
        except OSError:
            self.info("creating a tmpfs on /run")
            err = mount("tmpfs", "/run", "tmpfs", 0, "mode=0755")   # exec: no MS_NOEXEC
            if err:
                raise self.fatal(f"unable to mount a tmpfs on /run: {os.strerror(err)}", 111,
                                 help_text=err in (1, 13)) from None
            return
        self.info("writable /run. Checking for executability.")
        try:
            os.unlink(probe)
        except OSError:
            pass
        options = mount_options("/run")
        flags = rules.remount_rw_exec_flags(options or "")
        if mount("tmpfs", "/run", None, flags, None) == 0:
            return
        if options is None:
            self.warning("unable to find /run in /proc/mounts, check that your container manager "
                         "pre-mounts /proc, and that /run is a tmpfs. The container is likely to "
                         "crash soon, if /run is (incorrectly) mounted noexec.")
        elif rules.has_noexec(options):
            self.warning("your container manager pre-mounts run with the incorrect noexec "
                         "option, which s6-overlay cannot work with; expect /init to crash soon. "
                         "To fix the issue, either pre-mount /run with the exec option, or as a "
                         "workaround give this container the CAP_SYS_ADMIN capability so "
                         "s6-overlay can fix it at run time.")

    def var_run(self) -> None:
        if os.path.islink("/var/run") and os.path.realpath("/var/run") == "/run":
            return
        self.warning("/var/run is not a symlink to /run, fixing it")
        try:
            rmtree("/var/run", strict=True)
            os.symlink("/run", "/var/run")
        except OSError as e:
            # s6-overlay dies here (sh -e); nothing in s6py needs /var/run.
            self.warning(f"unable to fix /var/run: {e.strerror}; programs that use /var/run "
                         "will not find /run's contents there (in the image: "
                         "`RUN rm -rf /var/run && ln -s /run /var/run`)")

    def clean(self) -> None:
        try:
            names = os.listdir("/run")
        except OSError as e:
            raise self.fatal(f"unable to list /run: {e.strerror}", 111) from None
        for name in names:
            if name in ("s6", "service", "uncaught-logs") or name.startswith("s6-rc"):
                rmrf(os.path.join("/run", name))
        for d in ("/run/s6", "/run/service"):
            try:
                os.mkdir(d, 0o755)
                os.chmod(d, 0o755)
            except OSError as e:
                raise self.fatal(f"unable to mkdir {d}: {e.strerror}", 111,
                                 help_text=e.errno in (1, 13, 30)) from None
