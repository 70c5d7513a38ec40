"""ucspilogd: syslog records from a stream connection on stdin, one log
line each on stdout (``python3 -m syslogd.ucspilogd``)."""
