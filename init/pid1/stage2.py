"""Stage 2, what s6-overlay's rc.init does (init.md §8), as steps in PID 1's loop.

hook (S6_STAGE2_HOOK, run by ``/bin/sh -c``: DECISIONS #6) -> compile the
service sources and s6-overlay's own -> s6-rc-init -> ``s6-rc change top``
(fix-attrs, cont-init.d, the ``user`` bundle, services.d, ``user2``) ->
the CMD, in the saved working directory -> halt with its status.
Every S6_* value is read through printcontenv's rules when it is needed,
so cont-init scripts may still change them.  A compile or init failure
ends stage 2 and leaves the container running, as with s6-overlay.
"""
from __future__ import annotations

import errno
import os

from init import contenv, spawn
from init.pid1 import rcinit_rules as rules
from init.pid1.exitcode import shell_status
from init.pid1.legacy_table import SCRIPTS, inproc
from init.pid1.runimage import CMDPID_FILE, read_workdir
from init.settings import digits, verbosity

PROG = rules.PROG
INTERNAL_ERROR = 111


def _step(fn):
    """A stage-2 step: our own bug in one must end the container, not freeze it.

    PID 1's loop survives any exception (init.loop), but a stage-2 step that
    raised has not started its successor, so the container would sit there
    forever with no CMD.  Say so and halt with 111, as a failed start of
    the supervision tree does.
    """
    def step(self, *args):
        try:
            return fn(self, *args)
        except Exception as e:  # noqa: BLE001 - reported, then the container ends
            from init.loop import report_exception

            report_exception(fn, e)
            if not self.done:
                try:
                    self.say("fatal", "internal error in stage 2, stopping the container")
                    self._halt_with(INTERNAL_ERROR)
                except Exception as e2:  # noqa: BLE001
                    report_exception(self._halt_with, e2)
            return None
    step.__qualname__ = fn.__qualname__
    step.__doc__ = fn.__doc__
    return step


class Stage2:
    def __init__(self, c) -> None:
        self.c = c                 # the Container
        self.v = 2
        self.b = 0
        self.hook = ""
        self.done = False          # nothing more will happen in stage 2
        self.cmd_pid = 0
        self.forwarding = False    # S6_CMD_RECEIVE_SIGNALS and the CMD runs

    # ------------------------------------------------------------ helpers

    def var(self, name: str) -> str | None:
        return contenv.get(name, self.c.child_env, contenv.CONTAINER_ENV)

    def say(self, kind: str, text: str) -> None:
        self.c.say(f"{PROG}: {kind}: {text}")

    def _end(self) -> None:
        self.done = True

    # ------------------------------------------------------------ steps

    @_step
    def start(self) -> None:
        if self.c.stopping:
            return self._end()
        if os.path.isdir(contenv.CONTAINER_ENV):
            try:
                os.chmod(contenv.CONTAINER_ENV, 0o755)
            except OSError:
                pass
        self.v = verbosity(self.var("S6_VERBOSITY"))
        self.b = digits(self.var("S6_BEHAVIOUR_IF_STAGE2_FAILS"), 0)
        self.hook = self.var("S6_STAGE2_HOOK") or ""
        if not self.hook:
            return self.compile()
        try:
            pid = spawn.spawn(["/bin/sh", "-c", self.hook], cwd="/", env=self.c.child_env,
                              fds=self.c.stdio.stage2())
        except OSError as e:
            self.say("warning", f"unable to run hook {self.hook}: {e.strerror}")
            return self.compile()
        self.c.loop.watch_child(pid, self._hook_done)

    @_step
    def _hook_done(self, _pid: int, wstat: int) -> None:
        r = shell_status(wstat)
        if r > 0 and self.b >= 2:
            self.say("fatal", f"hook {self.hook} exited {r}")
            return self._halt_with(r)
        if r > 0:
            if self.v >= 1:
                self.say("warning", f"hook {self.hook} exited {r}")
        elif self.v >= 2:
            self.say("info", f"hook {self.hook} exited 0")
        self.compile()

    @_step
    def compile(self) -> None:
        if self.c.stopping:
            return self._end()
        profile = self.var("S6_RUNTIME_PROFILE")
        pdir = rules.profiledir(profile)
        compat = os.path.isdir(f"{pdir}/s6-rc.d/user")
        if compat:
            if self.v >= 1:
                self.say("warning", rules.compat_warning(profile))
            try:
                _compat_bundles(pdir)
            except OSError as e:
                self.say("fatal", f"unable to write into {pdir}/s6-rc.d: {e.strerror}")
                return self._end()
        bundledir = self.var("S6_RUNTIME_BUNDLEDIR")
        srcs = rules.sources(profile, bundledir, compat)
        extra = _bundle_contents(rules.bundledir(profile, bundledir)) if compat else {}
        from init.rc.compile_cli import compile_sources
        from init.rc.errors import CompileError
        cv = rules.compile_verbosity(self.v)
        try:
            try:
                added = compile_sources(rules.COMPILED, srcs, cv, builtin_scripts=SCRIPTS,
                                        extra_contents=extra)
            except CompileError as e:
                if not any(extra.values()):
                    raise
                # s6-overlay would not have read user-bundles.d at all: neither do we
                self.say("warning", f"compatibility mode: not adding what "
                         f"{rules.bundledir(profile, bundledir)} lists: {e.message}")
                added = compile_sources(rules.COMPILED, srcs, cv, builtin_scripts=SCRIPTS)
        except CompileError as e:
            self.c.say(f"s6-rc-compile: fatal: {e.message}")
            return self._end()
        except OSError as e:
            self.c.say(f"s6-rc-compile: fatal: unable to write {rules.COMPILED}: {e.strerror}")
            return self._end()
        if self.v >= 2:
            for bundle, name in added:
                self.say("info", rules.compat_added(profile, bundledir, bundle, name))
        mgr = self.c.svscan.rc_manager()
        try:
            mgr.init(rules.COMPILED, rules.LIVE)
        except (OSError, ValueError) as e:
            why = getattr(e, "strerror", None) or str(e)
            self.c.say(f"s6-rc-init: fatal: unable to initialise {rules.LIVE}: {why}")
            return self._end()
        mgr.driver.inproc = inproc()
        if not os.environ.get("S6PY_EXECLINEB"):   # ours: no interpreter start per oneshot
            mgr.driver.fork_runner = "init.execline.execlineb:main"
        from init.rc.engine import ChangeRequest
        timeout = digits(self.var("S6_CMD_WAIT_FOR_SERVICES_MAXTIME"), 0)
        req = ChangeRequest(names=["top"], up=True, timeout_ms=timeout, verbosity=self.v,
                            stdio=self.c.stdio.stage2())
        mgr.change(req, self.c.say, self._changed)

    @_step
    def _changed(self, r: int) -> None:
        if r > 0 and self.b > 0:
            self.say("warning", "s6-rc failed to properly bring all the services up! Check "
                     "your logs (in /run/uncaught-logs/current if you have in-container "
                     "logging) for more information.")
            if self.b >= 2:
                self.say("fatal", "stopping the container.")
                return self._halt_with(r)
        if self.c.stopping or not self.c.cmd:
            return self._end()
        self.run_cmd()

    # ------------------------------------------------------------ the CMD

    @_step
    def run_cmd(self) -> None:
        c = self.c
        argv = rules.cmd_argv(self.var("S6_CMD_ARG0"), c.cmd)
        fds = c.stdio.stage2()
        use_terminal = digits(self.var("S6_CMD_USE_TERMINAL"), 0) > 0 and _isatty(fds[0])
        receive = digits(self.var("S6_CMD_RECEIVE_SIGNALS"), 0) > 0
        fds = c.stdio.cmd(use_terminal)
        workdir = read_workdir()
        if not os.path.isdir(workdir):
            self.say("warning", f"unable to chdir to {workdir}, running the CMD in /")
            workdir = "/"
        path = spawn.which(argv[0], c.child_env)
        pid = 0
        if path is None:
            c.say(f"{PROG}: {argv[0]}: not found")
            return self._cmd_done(0, 127 << 8)
        ctty = c.stdio.tty_fd >= 0 and fds[0] == c.stdio.tty_fd
        try:
            pid = spawn.spawn(argv, cwd=workdir, env=c.child_env, fds=fds, path=path, ctty=ctty)
        except OSError as e:
            if e.errno == errno.ENOEXEC:   # no #!: the shell runs it as a script
                try:
                    pid = spawn.spawn(["/bin/sh", path] + argv[1:], cwd=workdir,
                                      env=c.child_env, fds=fds, ctty=ctty)
                except OSError as e2:
                    e = e2
            if not pid:
                c.say(f"{PROG}: {argv[0]}: {e.strerror}")
                code = 127 if e.errno in (errno.ENOENT, errno.ENOTDIR) else 126
                return self._cmd_done(0, code << 8)
        self.cmd_pid = pid
        if receive:
            try:
                with open(CMDPID_FILE, "w") as f:
                    f.write(f"{pid}\n")
            except OSError:
                pass
            self.forwarding = c.cfg_receive_signals
        c.loop.watch_child(pid, self._cmd_done)

    @_step
    def _cmd_done(self, _pid: int, wstat: int) -> None:
        self.cmd_pid = 0
        self.forwarding = False
        try:
            os.unlink(CMDPID_FILE)
        except OSError:
            pass
        self._end()
        if self.c.stopping:     # stage 3 already runs: rc.init would be dead (DECISIONS #8)
            return
        self._halt_with(shell_status(wstat))

    def _halt_with(self, code: int) -> None:
        self._end()
        self.c.write_exitcode(code)
        self.c.halt("h")


def _compat_bundles(pdir: str) -> None:
    """rc.init's compatibility mode writes the user/user2 bundles into the image."""
    base = f"{pdir}/s6-rc.d"
    with open(f"{base}/user/type", "w") as f:
        f.write("bundle\n")
    os.makedirs(f"{base}/user/contents.d", exist_ok=True)
    os.makedirs(f"{base}/user2/contents.d", exist_ok=True)
    with open(f"{base}/user2/type", "w") as f:
        f.write("bundle\n")


def _bundle_contents(bundledir: str) -> dict[str, list[str]]:
    """The names listed in bundledir's user and user2 contents.d (none if absent)."""
    out = {}
    for bundle in ("user", "user2"):
        try:
            out[bundle] = sorted(n for n in os.listdir(f"{bundledir}/{bundle}/contents.d")
                                 if not n.startswith("."))
        except OSError:
            pass
    return out


def _isatty(fd: int) -> bool:
    try:
        return os.isatty(fd)
    except OSError:
        return False
