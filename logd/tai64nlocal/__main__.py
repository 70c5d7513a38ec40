"""``python3 -m logd.tai64nlocal``: stdin to stdout, labels to local time.

Exit codes as s6-tai64nlocal: 0 at EOF, 111 on a read or write error.
Output is flushed after every read so it can sit behind ``tail -f``.
"""
import os
import sys

from logd.localtime import Converter


def main() -> int:
    conv = Converter()
    try:
        while True:
            data = os.read(0, 65536)
            out = conv.feed(data) if data else conv.finish()
            view = memoryview(out)
            while view:
                view = view[os.write(1, view):]
            if not data:
                return 0
    except BrokenPipeError:
        return 111
    except OSError as e:
        sys.stderr.write(f"s6-tai64nlocal: fatal: unable to {'read' if not out else 'write'}: "
                         f"{os.strerror(e.errno or 0)}\n")
        return 111


out = b""
sys.exit(main())
