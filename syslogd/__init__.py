"""syslogd: the /dev/log emulation (s6-socklog and ucspilogd compatible)."""
