"""``s6py demo``: build the overlay, boot the example image, look at it, stop it, read its logs.

The sequence, each step a section of the output:

1. ``overlays.build.build`` writes the three tarballs into a temporary
   directory (no network: the dependencies come from this interpreter's
   site-packages, vetted for the image's python3); ``tar -xJpf`` extracts
   them into a layer, as a Dockerfile's ``ADD``/``RUN tar`` would;
2. the example layer (``example.files``) is written next to it;
3. ``python3 -m init.sandbox /`` boots the host's ``/`` (the base image)
   with the two layers on top, ``/init`` as PID 1, a private loopback
   (``--network none``), ``/var/log`` and ``/run/uncaught-logs`` bound to
   host directories so the logs outlive the container;
4. the CMD (``app/cmd.py``) prints the process tree, exercises the web
   service, sends syslog messages, then says it waits;
5. ``docker stop``: SIGTERM to the sandbox runner, which forwards it to
   PID 1 (and SIGKILLs after ``--stop-timeout``); its exit code is the
   container's;
6. the logdirs are read back with ``s6py logs cat``'s reader.

The demo's own exit status: 0 if every check passed (the container's
exit code is the CMD's 0, the request lines, the syslog message and the
cont-init output are in their logdirs, PID 1 is /init), 1 if one failed,
111 if it cannot run here (not root, no overlayfs, no namespaces, no
python3 or tar in the base), 100 for a bad ``--keep``.

This module is the sequence and the log display; the steps live where
they can be read and tested alone: ``rules`` (the pure decisions),
``prepare`` (preflight and the layers), ``container`` (boot and stop).
"""
from __future__ import annotations

import os
import shlex
import shutil
import tempfile
import textwrap
import time

from overlays.demo import example, logview
from overlays.demo.container import boot_and_stop
from overlays.demo.prepare import app_sources, build_overlay, preflight, python_minor, write_layer
from overlays.demo.rules import PROG, Failure, Say, checks, explain, sandbox_argv, summary


def show_logs(logs: str, uncaught: str, say: Say) -> list[str]:
    """The logdirs with decoded stamps; returns the problems found."""
    problems = []
    say("== logs (read back with s6py logs cat's reader, stamps decoded)")
    web = logview.read(os.path.join(logs, "web"))
    say(f"   /var/log/web: web's stdout and stderr, through web-log ({len(web)} lines)")
    if web:
        say(f"     on disk: {web[0].raw}")
    for ln in web:
        say(f"     {ln.shown}")
    if not any('"GET / HTTP/1.1" 200' in ln.text and ln.stamped for ln in web):
        problems.append("no stamped request line in /var/log/web")

    syslogd = os.path.join(logs, "syslogd")
    per = {n: logview.read(os.path.join(syslogd, n))
           for n in (sorted(os.listdir(syslogd)) if os.path.isdir(syslogd) else [])}
    say("   /var/log/syslogd/*: /dev/log through the syslogd overlay, routed by "
        "facility and severity")
    for shown, where in logview.routed(per):
        say(f"     {shown}")
        say(f"       -> {', '.join(where)}")
    if not any("hello from the CMD through syslog(3)" in ln.text for ln in per.get("user", [])):
        problems.append("the syslog message is not in /var/log/syslogd/user")

    catch = logview.read(uncaught)
    own = [ln for ln in catch if not ln.text.startswith("s6-rc: ")]
    say(f"   /run/uncaught-logs: the catch-all logger (S6_LOGGING=1, {len(catch)} lines): "
        "the | lines above (all but preinit's, printed before the logger starts), and")
    for ln in own:
        say(f"     {ln.shown}")
    if not any(ln.text.startswith("cont-init.d/10-hello") for ln in catch):
        problems.append("the cont-init.d script's line is not in /run/uncaught-logs")
    say("   (the CMD's output went to the container's stdout, shown above)")
    return problems


def _workdir(keep: str | None) -> str:
    """Where the demo builds and runs: a fresh temporary directory, or ``--keep``'s."""
    if keep is None:
        return tempfile.mkdtemp(prefix="s6py-demo-")
    keep = os.path.abspath(keep)
    if os.path.isdir(keep) and os.listdir(keep):
        raise Failure(f"--keep {keep}: not empty", 100)
    try:
        os.makedirs(keep, exist_ok=True)
    except OSError as e:
        raise Failure(f"--keep {keep}: {e.strerror}", 100) from None
    return keep


def demo(keep: str | None, timeout: float, say: Say) -> int:
    """The whole demo; its exit status (Failure for a machine that cannot run it)."""
    started = time.monotonic()
    python = preflight()
    work = _workdir(keep)
    try:
        say(f"{PROG}: s6-overlay's main job, with s6py's /init, on the host's / as the base "
            "image (no Docker, no network)")
        overlay = build_overlay(work, (3, python_minor(python)), say)
        layer = os.path.join(work, "example")
        write_layer(layer, example.files(app_sources()))
        say("== the example image: the host's / + the overlay + this layer")
        for text in summary(example.SUMMARY):
            say(text)
        say("   ENV " + " ".join(f"{k}={shlex.quote(v)}" for k, v in example.ENV.items()))
        logs, uncaught = os.path.join(work, "log"), os.path.join(work, "uncaught-logs")
        os.makedirs(logs)
        os.makedirs(uncaught)
        argv = sandbox_argv(overlay, layer, logs, uncaught)
        say("== booting (s6py sandbox: docker run without Docker; --network none: "
            "a private loopback)")
        say("   $ s6py sandbox " + shlex.join(argv))
        session = boot_and_stop(argv, say, timeout, work)
        if session.code == 125 and not session.stdout:
            why = session.stderr[-1] if session.stderr else "no message"
            raise Failure(f"the container could not start: {why}")
        say(f"   exit code: {session.code}")
        for text in textwrap.wrap(explain(session.code, session.cmd_code), 88):
            say(f"     {text}")
        problems = checks(session) + show_logs(logs, uncaught, say)
        took = time.monotonic() - started
        if keep:
            say(f"== kept in {work}: dist/ (the tarballs), log/ (/var/log), uncaught-logs/; "
                f"try: s6py logs cat {os.path.join(work, 'log', 'syslogd')}/*")
        if problems:
            say(f"== done in {took:.1f} s, with problems:")
            for p in problems:
                say(f"   {PROG}: {p}")
            return 1
        say(f"== done in {took:.1f} s: the container booted, served, logged and stopped "
            f"with exit code {session.code}")
        return 0
    finally:
        if keep is None:
            shutil.rmtree(work, ignore_errors=True)
