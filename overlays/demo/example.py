"""The demo's example image, as data: path -> (content, mode); no I/O.

It is the README's main job in one layer, stacked over the host's / (the
base image) and the extracted overlay tarballs:

* ``web``: an s6-rc longrun, a small HTTP server (``/app/web.py``) run as
  ``nobody``, ready when it writes on ``notification-fd``; its stderr
  joins its stdout, which goes to
* ``web-log``: its logger, ``logutil-service /var/log/web`` (logd as
  ``nobody``, stamps from ``S6_LOGGING_SCRIPT``); the two form the
  ``web-pipeline`` bundle, added to the ``user`` bundle;
* ``web-log-prepare``: a oneshot whose execline ``up`` creates
  ``/var/log/web`` for ``nobody`` (the README's example, word for word,
  except that only the user is changed: not every base has ``nogroup``);
* ``/etc/cont-init.d/10-hello`` and ``/etc/services.d/heartbeat``: the
  legacy forms, with no logger of their own (their output goes to the
  catch-all logger);
* the CMD, ``python3 /app/cmd.py``.

The ``user`` bundle is extended through ``user-bundles.d`` and not
``s6-rc.d/user/contents.d``: a ``s6-rc.d/user`` directory puts stage 2 in
s6-overlay's compatibility mode, which ignores ``user-bundles.d``, where
the syslogd overlay adds itself (DECISIONS.md #12).

The container's settings (``ENV``) and command line are here too, so the
test that compiles this source and the run that boots it agree.
"""
from __future__ import annotations

from collections.abc import Mapping

RC = "etc/s6-overlay/s6-rc.d"
BUNDLES = "etc/s6-overlay/user-bundles.d"
PORT = 8080
LOGDIR = "/var/log/web"

# docker run -e ...: the catch-all logger with a console copy, the CMD gets
# docker stop's SIGTERM, and every logger stamps lines with TAI64N labels
# (logutil-service, the syslogd overlay's logger and the catch-all all read
# S6_LOGGING_SCRIPT)
ENV: dict[str, str] = {
    "S6_LOGGING": "1",
    "S6_CMD_RECEIVE_SIGNALS": "1",
    "S6_LOGGING_SCRIPT": "n20 s1000000 t",
}
CMD: list[str] = ["python3", "/app/cmd.py"]
HOSTNAME = "s6py-demo"

WEB_RUN = """\
#!/command/execlineb -P
# stderr (request lines) joins stdout, which s6-rc pipes to web-log;
# fd 3 is the notification-fd: the app writes a newline there once it listens
fdmove -c 2 1
s6-setuidgid nobody
python3 /app/web.py --ready-fd 3
"""

WEB_LOG_RUN = """\
#!/command/execlineb -P
# logd as nobody, with S6_LOGGING_SCRIPT's directives, into /var/log/web
logutil-service /var/log/web
"""

WEB_LOG_PREPARE_UP = """\
if { mkdir -p /var/log/web }
if { chown nobody /var/log/web }
chmod 02755 /var/log/web
"""

CONT_INIT = """\
#!/bin/sh
echo "cont-init.d/10-hello: runs once at boot, before the services"
"""

HEARTBEAT_RUN = """\
#!/bin/sh
# a legacy service with no log/ directory: what it prints goes to the
# catch-all logger (/run/uncaught-logs)
i=1
while :; do
  echo "heartbeat: $i"
  i=$((i + 1))
  sleep 2
done
"""

# what the output's "example image" section lists: path, one-line summary
SUMMARY: list[tuple[str, str]] = [
    (f"/{RC}/web", "longrun: /app/web.py as nobody on 127.0.0.1:8080, ready via fd 3"),
    (f"/{RC}/web-log", "longrun: its logger, logutil-service /var/log/web"),
    (f"/{RC}/web-log-prepare", "oneshot: creates /var/log/web for nobody"),
    (f"/{BUNDLES}/user/contents.d/web-pipeline", "web | web-log, in the user bundle"),
    ("/etc/cont-init.d/10-hello", "legacy init script"),
    ("/etc/services.d/heartbeat", "legacy service, no logger of its own"),
    ("syslogd-overlay-noarch.tar.xz", "/dev/log into /var/log/syslogd/*"),
    ("CMD " + " ".join(CMD), "process tree, HTTP requests, syslog, waits for docker stop"),
]


def files(apps: Mapping[str, str]) -> dict[str, tuple[str, int]]:
    """The layer: image path (relative) -> (text, mode).  apps: the sources of
    ``web.py`` and ``cmd.py`` (overlays/demo/app), installed in /app."""
    table: dict[str, tuple[str, int]] = {
        "app/web.py": (apps["web.py"], 0o644),
        "app/cmd.py": (apps["cmd.py"], 0o644),
        # web: the service
        f"{RC}/web/type": ("longrun\n", 0o644),
        f"{RC}/web/run": (WEB_RUN, 0o755),
        f"{RC}/web/notification-fd": ("3\n", 0o644),
        f"{RC}/web/producer-for": ("web-log\n", 0o644),
        f"{RC}/web/dependencies.d/base": ("", 0o644),
        # web-log: its logger, and the pipeline's name
        f"{RC}/web-log/type": ("longrun\n", 0o644),
        f"{RC}/web-log/run": (WEB_LOG_RUN, 0o755),
        f"{RC}/web-log/consumer-for": ("web\n", 0o644),
        f"{RC}/web-log/pipeline-name": ("web-pipeline\n", 0o644),
        f"{RC}/web-log/dependencies.d/base": ("", 0o644),
        f"{RC}/web-log/dependencies.d/web-log-prepare": ("", 0o644),
        # web-log-prepare: the logdir
        f"{RC}/web-log-prepare/type": ("oneshot\n", 0o644),
        f"{RC}/web-log-prepare/up": (WEB_LOG_PREPARE_UP, 0o644),
        f"{RC}/web-log-prepare/dependencies.d/base": ("", 0o644),
        # started at boot
        f"{BUNDLES}/user/contents.d/web-pipeline": ("", 0o644),
        # the legacy forms
        "etc/cont-init.d/10-hello": (CONT_INIT, 0o755),
        "etc/services.d/heartbeat/run": (HEARTBEAT_RUN, 0o755),
    }
    return table
