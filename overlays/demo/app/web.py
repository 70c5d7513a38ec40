"""The example's web service: a tiny HTTP server, run by s6 as ``nobody``.

What it shows about a supervised daemon: it logs requests on stderr (the
run script's ``fdmove -c 2 1`` sends them down the pipe to its logger),
it tells the supervisor it is ready by writing a newline on the fd named
in ``notification-fd`` once its socket listens (so s6-rc starts what
depends on it, and the CMD, only then), and it ends cleanly on SIGTERM
with a last line that still reaches the logdir.

Standard library only, Python 3.9+: it runs with the image's python3.
"""
from __future__ import annotations

import os
import pwd
import signal
import sys
from http.server import BaseHTTPRequestHandler, HTTPServer

ADDRESS = ("127.0.0.1", 8080)


def user_name() -> str:
    try:
        return pwd.getpwuid(os.getuid()).pw_name
    except KeyError:
        return str(os.getuid())


def answer(path: str, pid: int, user: str) -> tuple[int, str]:
    """(status, body) for a GET of path (pure: the routing, tested directly)."""
    if path == "/":
        return 200, f"hello from web (pid {pid}, user {user})\n"
    if path == "/health":
        return 200, "ok\n"
    return 404, f"no such page: {path}\n"


class Handler(BaseHTTPRequestHandler):
    server_version = "s6py-demo-web"

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        status, body = answer(self.path, os.getpid(), user_name())
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, fmt: str, *args) -> None:
        # one line per request on stderr, without http.server's own date:
        # the logger stamps every line
        sys.stderr.write(f"web: {self.client_address[0]} {fmt % args}\n")
        sys.stderr.flush()


class Stop(Exception):
    """SIGTERM: leave serve_forever and say so."""


def _stop(_sig, _frame) -> None:
    raise Stop


def main(argv: list[str]) -> int:
    ready_fd = int(argv[argv.index("--ready-fd") + 1]) if "--ready-fd" in argv else -1
    signal.signal(signal.SIGTERM, _stop)
    server = HTTPServer(ADDRESS, Handler)
    print(f"web: listening on http://{ADDRESS[0]}:{ADDRESS[1]} as {user_name()} "
          f"(pid {os.getpid()})", flush=True)
    if ready_fd >= 0:
        os.write(ready_fd, b"\n")
        os.close(ready_fd)
    try:
        server.serve_forever()
    except Stop:
        print("web: SIGTERM received, stopping", flush=True)
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
