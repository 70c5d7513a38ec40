"""services-up and services-down: the ``services.d`` longruns (init.md §14).

Up: copy each service directory of ``services.d`` to
``/run/s6/legacy-services``, link it into ``/run/service`` and ask the
supervisor to scan; with S6_CMD_WAIT_FOR_SERVICES, wait (after
S6_SERVICES_READYTIME ms) until each is up, or ready if it has a
``notification-fd``, within S6_CMD_WAIT_FOR_SERVICES_MAXTIME.
Down: unlink them, let the supervisor stop them (their ``finish`` runs,
loggers drain), and wait at most S6_SERVICES_GRACETIME ms; always succeeds.
"""
from __future__ import annotations

import os
import shutil
import time

from init.legacy import common

LEGACY = "/run/s6/legacy-services"
SCANDIR = "/run/service"


def _svscanctl(letters: str, say: common.Say) -> None:
    from init.control import svdir
    try:
        svdir.send(os.path.join(SCANDIR, ".s6-svscan", "control"), letters.encode())
    except Exception as e:  # noqa: BLE001 - reported like s6-svscanctl's failure
        say.raw(f"s6-svscanctl: fatal: unable to control {SCANDIR}: {e}")


def _svwait(opts: list[str], dirs: list[str]) -> int:
    from init.control.svwait import main as svwait
    return svwait(opts + ["--"] + dirs)


def _supervised(d: str, deadline: float | None) -> None:
    """Our scan is asynchronous: wait until the supervisor has set the service up."""
    while not os.path.exists(os.path.join(d, "supervise", "status")):
        if deadline is not None and time.monotonic() >= deadline:
            return
        time.sleep(0.005)


def up(argv: list[str]) -> int:
    v = common.v()
    say = common.Say("services-up", v)
    src = os.path.join(common.etc(), "services.d")
    shutil.rmtree(LEGACY, ignore_errors=True)
    os.makedirs(LEGACY, 0o755, exist_ok=True)
    names, notif, plain = [], [], []
    for name in common.listing(src):
        sdir = os.path.join(src, name)
        if not os.path.isdir(sdir):
            continue
        dst = os.path.join(LEGACY, name)
        notifies = os.access(os.path.join(sdir, "notification-fd"), os.R_OK)
        say.info(f"copying legacy longrun {name}" + ("" if notifies else
                                                      " (no readiness notification)"))
        shutil.copytree(sdir, dst, symlinks=True)
        names.append(name)
        (notif if notifies else plain).append(dst)
    for name in names:
        link = os.path.join(SCANDIR, name)
        tmp = link + ".s6py-new"
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        os.symlink(os.path.join(LEGACY, name), tmp)
        if os.path.isdir(link) and not os.path.islink(link):
            shutil.rmtree(link)
        os.rename(tmp, link)
    _svscanctl("a", say)
    if common.ms("S6_CMD_WAIT_FOR_SERVICES", 0) <= 0:
        return 0
    maxtime = common.ms("S6_CMD_WAIT_FOR_SERVICES_MAXTIME", 0)
    time.sleep(common.ms("S6_SERVICES_READYTIME", 50) / 1000)
    start = time.monotonic()
    deadline = start + maxtime / 1000 if maxtime else None
    failed = False
    for opt, dirs in (("-u", plain), ("-U", notif)):
        if not dirs:
            continue
        for d in dirs:
            _supervised(d, deadline)
        left = maxtime - int((time.monotonic() - start) * 1000) if maxtime else 0
        if maxtime and left <= 0:
            failed = True
            continue
        if _svwait([opt, "-t", str(left)], dirs) != 0:
            failed = True
    return common.verdict(failed, say, "some legacy longruns failed to start")


def down(argv: list[str]) -> int:
    say = common.Say("services-down", common.v())
    dirs = []
    for name in common.listing(LEGACY):
        d = os.path.join(LEGACY, name)
        link = os.path.join(SCANDIR, name)
        try:
            if os.path.islink(link):
                os.unlink(link)
        except OSError:
            pass
        dirs.append(d)
        if os.path.isdir(os.path.join(d, "log")):
            dirs.append(os.path.join(d, "log"))
    if not dirs:
        return 0
    _svscanctl("an", say)
    grace = common.ms("S6_SERVICES_GRACETIME", 3000)
    _svwait(["-D", "-t", str(grace)], dirs)
    return 0
