"""``s6py demo``: the click layer over ``overlays.demo.run``."""
from __future__ import annotations

import sys

import click


@click.command()
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
    Exits 0 if everything worked, 1 if a check failed, 111 if it cannot run here.
    """
    from overlays.demo.run import PROG, Failure
    from overlays.demo.run import demo as run

    def say(text: str) -> None:
        click.echo(text)

    try:
        code = run(keep, timeout, say)
    except Failure as e:
        sys.stderr.write(f"{PROG}: fatal: {e}\n")
        code = e.code
    except KeyboardInterrupt:
        sys.stderr.write(f"{PROG}: interrupted\n")
        code = 130
    sys.exit(code)
