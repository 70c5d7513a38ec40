"""``s6py demo``: the click layer over ``overlays.demo.run``."""
from __future__ import annotations

import signal
import sys

import click


class _Command(click.Command):
    """Usage errors exit 100, as s6 programs' do."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, args)
        except click.UsageError as e:
            e.exit_code = 100
            raise


@click.command(cls=_Command)
@click.option("--keep", metavar="DIR", type=click.Path(file_okay=False),
              help="Build and run in DIR (new or empty) and leave everything there: "
              "the tarballs, the layers, /var/log and the catch-all logdir.")
@click.option("--timeout", type=click.FloatRange(min=1), default=60, show_default=True,
              help="Seconds the container may take to boot and run the CMD's checks "
              "before it is stopped anyway.")
def demo(keep: str | None, timeout: float) -> None:
    """Build the overlay, boot an example image with it, exercise it, stop it, show its logs.

    The example: an s6-rc web service and its logger (a pipeline), a oneshot
    preparing the logdir, the syslogd overlay, a cont-init.d script, a
    services.d service and a CMD, on the host's / as the base image. Needs
    root, overlayfs and namespaces (as `s6py sandbox`); no network.
    Exits 0 if everything worked, 1 if a check failed, 100 for a usage error,
    111 if it cannot run here.
    """
    from overlays.demo.rules import PROG, Failure
    from overlays.demo.run import demo as run

    def say(text: str) -> None:
        click.echo(text)

    hit: list[int] = []

    def interrupted(sig: int, _frame) -> None:
        if hit:     # the cleanup is under way (and bounded): a second signal changes nothing
            return
        hit.append(sig)
        raise Interrupted(sig)

    # ^C, SIGTERM and SIGHUP take one way out: the container is stopped and
    # the temporary directory removed.  The caller's handlers come back
    # afterwards (an in-process caller, such as a test, keeps its own).
    saved = {sig: signal.signal(sig, interrupted)
             for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
    try:
        code = run(keep, timeout, say)
    except Failure as e:
        sys.stderr.write(f"{PROG}: fatal: {e}\n")
        code = e.code
    except Interrupted as e:
        sys.stderr.write(f"{PROG}: interrupted by {signal.Signals(e.sig).name}\n")
        code = 128 + e.sig
    except KeyboardInterrupt:
        sys.stderr.write(f"{PROG}: interrupted by SIGINT\n")
        code = 128 + signal.SIGINT
    finally:
        for sig, handler in saved.items():
            signal.signal(sig, handler)
    sys.exit(code)


class Interrupted(KeyboardInterrupt):
    """SIGTERM or SIGHUP, raised where ^C's KeyboardInterrupt would be, so every
    cleanup that handles ^C (stopping the container, removing the work
    directory) handles them too."""

    def __init__(self, sig: int) -> None:
        super().__init__(sig)
        self.sig = sig
