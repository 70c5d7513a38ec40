"""``python3 -m syslogd.forward LOGDIR --to URL``: the forwarder."""
from syslogd.forward.cli import forward

forward(prog_name="s6py-forward")
