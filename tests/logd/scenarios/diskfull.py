"""Disk-full scenario, run inside ``unshare -m`` (needs root).

Mounts a 64 KiB tmpfs on WORK/log, fills most of it, starts the logger,
feeds numbered lines until it reports ENOSPC, frees the space, feeds the
rest, closes stdin, and prints a JSON report: exit code, stderr, every
line found in the logdir, how many unread bytes sat in the pipe while the
disk was full.
"""
import fcntl
import json
import os
import subprocess
import sys
import time

work, blocking = sys.argv[1], sys.argv[2] == "-b"
cmd = sys.argv[3:]
log = os.path.join(work, "log")
os.makedirs(log)
subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", log], check=True)
with open(os.path.join(log, "filler"), "wb") as f:
    f.write(b"F" * 48 * 1024)

args = cmd + (["-b"] if blocking else []) + ["r100", "./log"]
proc = subprocess.Popen(args, cwd=work, stdin=subprocess.PIPE, stderr=subprocess.PIPE)
os.set_blocking(proc.stdin.fileno(), False)
lines = [b"line %06d %s\n" % (i, b"x" * 20) for i in range(1, 1601)]
stuck_pending = None
i = 0
deadline = time.monotonic() + 30
full_seen = False
err = b""
os.set_blocking(proc.stderr.fileno(), False)
while i < 800 and time.monotonic() < deadline:
    try:
        os.write(proc.stdin.fileno(), lines[i])
        i += 1
    except BlockingIOError:
        time.sleep(0.01)
    try:
        err += os.read(proc.stderr.fileno(), 65536)
    except BlockingIOError:
        pass
while b"No space left on device" not in err and time.monotonic() < deadline:
    time.sleep(0.05)
    try:
        err += os.read(proc.stderr.fileno(), 65536)
    except BlockingIOError:
        pass
full_seen = b"No space left on device" in err
while i < 1200:  # more input while the disk is full: held in the pipe with -b
    os.write(proc.stdin.fileno(), lines[i])
    i += 1
time.sleep(0.5)  # several retries while full
buf = bytearray(4)
fcntl.ioctl(proc.stdin.fileno(), 0x541B, buf)  # FIONREAD on the pipe
stuck_pending = int.from_bytes(buf, sys.byteorder)
os.unlink(os.path.join(log, "filler"))
os.set_blocking(proc.stdin.fileno(), True)
for line in lines[i:]:
    proc.stdin.write(line)
proc.stdin.close()
os.set_blocking(proc.stderr.fileno(), True)
err += proc.stderr.read()
code = proc.wait(timeout=30)
found = []
names = sorted(n for n in os.listdir(log) if n.startswith("@")) + ["current"]
for name in names:
    with open(os.path.join(log, name), "rb") as f:
        found += f.read().decode().splitlines()
print(json.dumps({"exit": code, "full_seen": full_seen, "pending_while_full": stuck_pending,
                  "stderr": err.decode(errors="replace").splitlines(), "found": found,
                  "sent": [ln.decode().rstrip("\n") for ln in lines]}))
