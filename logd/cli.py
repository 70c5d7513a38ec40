"""``s6py logs ...``: reading logdirs, for people.

Only the click layer lives here; the work is done by ``logd.reading``
(and ``syslogd.forward`` for ``forward``), imported when a command runs,
so ``s6py --help`` stays fast.
"""
from __future__ import annotations

import importlib
import os
import sys
import time

import click

# commands that live in other packages: name -> "module:attribute"
_ELSEWHERE = {"forward": "syslogd.forward.cli:forward"}


class _Lazy(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(super().list_commands(ctx)) | set(_ELSEWHERE))

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        target = _ELSEWHERE.get(name)
        if target is None:
            return super().get_command(ctx, name)
        module, attr = target.split(":")
        return getattr(importlib.import_module(module), attr)


@click.group(cls=_Lazy)
def logs() -> None:
    """Read what logd and s6-log wrote."""


@logs.command()
def tai64nlocal() -> None:
    """Filter stdin to stdout, TAI64N labels turned into local time."""
    from logd.localtime import Converter

    conv = Converter()
    out = sys.stdout.buffer
    while True:
        data = os.read(0, 65536)
        out.write(conv.feed(data) if data else conv.finish())
        out.flush()
        if not data:
            return


def _reading_options(f):
    opts = [
        click.argument("dirs", nargs=-1, required=True,
                       type=click.Path(exists=True, file_okay=False, readable=True)),
        click.option("--since", metavar="WHEN", help="Lines at or after WHEN: a date "
                     "(2026-11-28 12:00, 12:00, RFC 3339), a duration ago (10m, 2h, 1d), "
                     "today, yesterday, @UNIX or a TAI64N label."),
        click.option("--until", metavar="WHEN", help="Lines before WHEN (same forms)."),
        click.option("--grep", metavar="RE", help="Lines whose text (after the stamps) "
                     "matches this POSIX extended regular expression (s6-log's selection "
                     "dialect, decided in time linear in the line)."),
        click.option("--facility", multiple=True, metavar="NAMES",
                     help="syslogd lines of these facilities (user,daemon,...)."),
        click.option("--priority", metavar="SEV", help="syslogd lines of severity SEV or "
                     "more urgent (err = emerg..err), or a range warn..err."),
        click.option("--json", "as_json", is_flag=True, help="One JSON object per line."),
        click.option("--time-format", type=click.Choice(["local", "rfc3339", "raw"]),
                     default="local", show_default=True,
                     help="local: as s6-tai64nlocal prints; raw: lines as written."),
        click.option("--utc", is_flag=True, help="Print times in UTC."),
        click.option("--tag/--no-tag", default=None,
                     help="Prefix lines with their logdir's name (default: when several)."),
    ]
    for o in reversed(opts):
        f = o(f)
    return f


def _when(value: str | None, name: str, now: int) -> int | None:
    from logd.reading.timefilter import BadTime, parse_when

    if value is None:
        return None
    try:
        return parse_when(value, now)
    except BadTime as exc:
        raise click.BadParameter(str(exc), param_hint=name) from None


def _setup(dirs, since, until, grep, facility, priority, as_json, time_format, utc, tag):
    from logd.ere import EREError
    from logd.reading.records import Filter
    from logd.reading.render import JsonRenderer, TextRenderer, service_name
    from logd.reading.syslogline import facility_names, severity_range
    from logd.reading.timefilter import Window

    now = time.time_ns()
    window = Window(_when(since, "--since", now), _when(until, "--until", now))
    try:
        facs = facility_names(list(facility))
        sevs = severity_range(priority) if priority else None
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None
    try:
        filt = Filter(window, grep, facs, sevs)
    except EREError as exc:
        raise click.BadParameter(f"bad regular expression: {exc}", param_hint="--grep") from None
    if as_json:
        render = JsonRenderer(utc)
    else:
        show = tag if tag is not None else len(dirs) > 1
        render = TextRenderer(time_format, utc, {d: service_name(d) for d in dirs} if show else None)
    return window, filt, render


def _report(readers, filt) -> None:
    for r in readers:
        for msg in r.lost:
            click.echo(f"s6py logs: warning: {msg}", err=True)
        r.lost.clear()
    if filt.untimed:
        click.echo(f"s6py logs: warning: {filt.untimed} lines have no time stamp and were "
                   "left out by --since/--until", err=True)
        filt.untimed = 0


def _emit(out, chunks) -> None:
    try:
        out.write(b"".join(chunks))
        out.flush()
    except BrokenPipeError:
        # the reader went away (| head): stop quietly, as cat does
        sys.stderr.close()
        os._exit(0)


@logs.command()
@_reading_options
@click.option("-n", "--lines", "count", type=click.IntRange(min=0), default=None,
              help="Only the last N matching lines.")
def cat(dirs, since, until, grep, facility, priority, as_json, time_format, utc, tag, count):
    """Every line of the logdirs DIRS, oldest first, across archives and current.

    Several logdirs are merged by time (e.g. /var/log/syslogd/*)."""
    from collections import deque

    from logd.reading.files import ArchiveError
    from logd.reading.reader import LogdirReader
    from logd.reading.records import batches, merged, to_records

    window, filt, render = _setup(dirs, since, until, grep, facility, priority, as_json,
                                  time_format, utc, tag)
    readers = [LogdirReader(d, skip_archives_before=window.since) for d in dirs]
    out = sys.stdout.buffer
    try:
        stream = (r for r in merged([to_records(d, batches(rd)) for d, rd in zip(dirs, readers)])
                  if filt(r))
        if count is not None:
            stream = iter(deque(stream, maxlen=count))
        chunk: list[bytes] = []
        for rec in stream:
            chunk.append(render(rec))
            if len(chunk) >= 4096:
                _emit(out, chunk)
                chunk = []
        _emit(out, chunk)
    except ArchiveError as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        for r in readers:
            r.close()
    _report(readers, filt)


@logs.command()
@_reading_options
@click.option("-n", "--lines", "count", type=click.IntRange(min=0), default=10,
              show_default=True, help="Start with the last N matching lines.")
@click.option("-f", "--follow", is_flag=True,
              help="Then print new lines as they are written, across rotations.")
def tail(dirs, since, until, grep, facility, priority, as_json, time_format, utc, tag, count,
         follow):
    """The last lines of the logdirs DIRS; with -f, follow them."""
    from collections import deque

    from logd.reading.files import ArchiveError
    from logd.reading.lastlines import last_lines
    from logd.reading.line import InstantDecoder
    from logd.reading.reader import LogdirReader
    from logd.reading.records import batches, merged, to_records

    window, filt, render = _setup(dirs, since, until, grep, facility, priority, as_json,
                                  time_format, utc, tag)
    readers = [LogdirReader(d, skip_archives_before=window.since) for d in dirs]
    decoders = [InstantDecoder() for _ in dirs]
    carries: list[list] = [[-1] for _ in dirs]
    out = sys.stdout.buffer
    plain = window.open and filt.grep is None and not filt.facilities and filt.severities is None
    try:
        if plain:  # start from the end: read only what is shown
            for d, r in zip(dirs, readers):
                r.restore(last_lines(d, count))
        streams = [to_records(d, batches(r), dec, c)
                   for d, r, dec, c in zip(dirs, readers, decoders, carries)]
        first = deque((r for r in merged(streams) if filt(r)), maxlen=count)
        _emit(out, [render(r) for r in first])
        _report(readers, filt)
        if follow:
            _follow(dirs, readers, decoders, carries, filt, render, out)
    except ArchiveError as exc:
        raise click.ClickException(str(exc)) from None
    except KeyboardInterrupt:
        pass
    finally:
        for r in readers:
            r.close()


def _follow(dirs, readers, decoders, carries, filt, render, out) -> None:
    from logd.reading.follow import DirWatcher
    from logd.reading.records import batches, to_records

    index = {d: i for i, d in enumerate(dirs)}
    watcher = DirWatcher(list(dirs))
    try:
        while True:
            for d in watcher.wait():
                i = index[d]
                chunk = [render(r) for r in to_records(d, batches(readers[i]), decoders[i],
                                                       carries[i]) if filt(r)]
                if chunk:
                    _emit(out, chunk)
            _report(readers, filt)
    finally:
        watcher.close()
