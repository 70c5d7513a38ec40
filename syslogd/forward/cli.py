"""``s6py logs forward`` / ``python3 -m syslogd.forward``: the command line."""
from __future__ import annotations

import asyncio
import os
import signal
import socket

import click

UDP_DEFAULT_RATE = 20000  # messages/s; bench/forward.py: a local rsyslog keeps up


def _ssl_context(ca: str | None, cert: str | None, key: str | None, insecure: bool):
    import ssl

    ctx = ssl.create_default_context(cafile=ca)
    if cert:
        ctx.load_cert_chain(cert, key)
    if insecure:
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
    return ctx


@click.command()
@click.argument("logdir", type=click.Path(exists=True, file_okay=False))
@click.option("--to", "to", required=True, metavar="URL",
              help="tcp://HOST[:PORT], tls://HOST[:PORT] or udp://HOST[:PORT].")
@click.option("--state", "state_file", type=click.Path(dir_okay=False),
              help="Cursor file (default: $S6PY_FORWARD_STATE_DIR or /var/lib/s6py/forward, "
                   "named after the logdir).")
@click.option("--hostname", default=None, help="HOSTNAME field (default: this host's name).")
@click.option("--app-name", default=None, help="APP-NAME field (default: the service).")
@click.option("--facility", default="user", show_default=True,
              help="Facility of lines without a syslog prefix.")
@click.option("--severity", default="notice", show_default=True,
              help="Severity of lines without a syslog prefix.")
@click.option("--ca", type=click.Path(exists=True, dir_okay=False),
              help="TLS: CA certificates to verify the collector with (default: the system's).")
@click.option("--cert", type=click.Path(exists=True, dir_okay=False),
              help="TLS: client certificate (PEM).")
@click.option("--key", type=click.Path(exists=True, dir_okay=False),
              help="TLS: client key (PEM).")
@click.option("--server-name", default=None, help="TLS: name to verify (default: the host).")
@click.option("--insecure", is_flag=True, help="TLS: do not verify the collector (don't).")
@click.option("--replay", type=click.IntRange(min=0), default=None, metavar="BYTES",
              help="Bytes acknowledged by the collector's TCP that are still sent again "
                   "after a failure (what it may have received but not yet read).  Default: "
                   "twice the largest receive window the collector advertised, at least "
                   "256 KiB.")
@click.option("--from-end", is_flag=True,
              help="Without a saved cursor, start at the end (default: ship what is kept).")
@click.option("--oneshot", is_flag=True,
              help="Exit once everything present has been acknowledged.")
@click.option("--aiofiles", "use_aiofiles", is_flag=True,
              help="Read the logdir through aiofiles' thread pool (see bench/forward.py).")
@click.option("--rate", type=click.IntRange(min=0), default=None,
              help="UDP: at most this many messages per second (default 20000; 0: no cap). "
                   "UDP has no flow control: a collector that falls behind drops silently.")
@click.option("--grep", "grep", multiple=True, metavar="RE",
              help="Ship only lines whose text (after the stamps) matches this POSIX ERE "
                   "(repeatable: any of them).")
@click.option("--exclude", "exclude", multiple=True, metavar="RE",
              help="Do not ship lines whose text matches this POSIX ERE (repeatable).")
@click.option("-d", "notify_fd", type=int, default=None,
              help="Write a newline to this fd when running (s6 readiness).")
def forward(logdir, to, state_file, hostname, app_name, facility, severity, ca, cert, key,
            server_name, insecure, replay, from_end, oneshot, use_aiofiles, rate, grep, exclude,
            notify_fd):
    """Send the lines of LOGDIR to a syslog collector, resuming where it stopped.

    RFC 5424 over TCP (RFC 6587 octet counting), TLS or UDP (RFC 5426).  The
    logdir is the queue; SIGTERM stops cleanly (cursor saved)."""
    from logd.reading.render import service_name
    from logd.reading.syslogline import FACILITY_CODES, severity_code
    from syslogd.forward.forwarder import Forwarder
    from syslogd.forward.message import Builder
    from syslogd.forward.state import default_state_path
    from syslogd.forward.target import parse_target

    try:
        target = parse_target(to)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--to") from None
    if facility not in FACILITY_CODES:
        raise click.BadParameter(f"unknown facility {facility!r}", param_hint="--facility")
    try:
        sev = severity_code(severity)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--severity") from None
    ctx = None
    if target.scheme == "tls":
        try:
            ctx = _ssl_context(ca, cert, key, insecure)
        except OSError as exc:
            raise click.ClickException(f"TLS setup: {exc}") from None
    keep = None
    if grep or exclude:
        from logd.ere import EREError
        from syslogd.forward.linefilter import LineFilter

        raw = [[p.encode("utf-8", "surrogateescape") for p in ps] for ps in (grep, exclude)]
        try:
            keep = LineFilter(*raw)
        except EREError as exc:
            raise click.BadParameter(f"bad regular expression: {exc}") from None
    builder = Builder(hostname or socket.gethostname(), app_name or service_name(logdir),
                      FACILITY_CODES[facility], sev)
    fwd = Forwarder(logdir, target, builder, state_file or default_state_path(logdir),
                    ssl_context=ctx, server_hostname=server_name, replay=replay,
                    from_end=from_end, use_aiofiles=use_aiofiles,
                    rate=UDP_DEFAULT_RATE if rate is None else rate, keep=keep)

    async def main() -> int:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            loop.add_signal_handler(sig, stop.set)
        if notify_fd is not None:
            os.write(notify_fd, b"\n")
            os.close(notify_fd)
        return await fwd.run(stop, oneshot=oneshot)

    code = asyncio.run(main())
    c = fwd.counters
    filtered = f", {c.get('filtered', 0)} filtered out" if keep is not None else ""
    click.echo(f"s6py forward: {c['sent']} lines sent, {c['resent']} sent again after "
               f"{c['failures']} failures, {c['reconnects']} reconnects{filtered}", err=True)
    raise SystemExit(code)
