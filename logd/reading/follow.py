"""Waking up when logdirs change: watchdog's inotify observer.

Followers (``tail -f``, the forwarder) sleep until the kernel reports a
change in one of the watched logdirs (a write to ``current``, a rename, a
new archive, a deletion), then read what is new.  One observer thread
watches every directory (not recursively); the callback runs in that
thread, so it only marks directories dirty and wakes the follower.

``backstop`` bounds each wait anyway (a safety net if the kernel's event
queue overflowed), so a lost event delays a line, never loses it.
Imported lazily: logd itself never loads watchdog.
"""
from __future__ import annotations

import os
import threading
from typing import Callable


class DirWatcher:
    def __init__(self, dirs: list[str], wake: Callable[[], None] | None = None) -> None:
        from watchdog.events import FileSystemEventHandler
        try:
            from watchdog.observers.inotify import InotifyObserver as Observer
        except ImportError:  # not Linux: whatever watchdog has
            from watchdog.observers import Observer

        self.dirs = {os.path.realpath(d): d for d in dirs}
        self._dirty: set[str] = set(dirs)
        self._lock = threading.Lock()
        self._event = threading.Event()
        self._event.set()
        self._wake = wake
        watcher = self

        class Handler(FileSystemEventHandler):
            def on_any_event(self, event) -> None:
                watcher._mark(event.src_path)

        self.observer = Observer()
        for real in self.dirs:
            self.observer.schedule(Handler(), real, recursive=False)
        self.observer.start()

    def _mark(self, src: str | bytes) -> None:
        if isinstance(src, bytes):
            src = os.fsdecode(src)
        given = self.dirs.get(os.path.dirname(src)) or self.dirs.get(src)
        with self._lock:
            if given is None:
                self._dirty.update(self.dirs.values())
            else:
                self._dirty.add(given)
        self._event.set()
        if self._wake is not None:
            self._wake()

    def take(self) -> set[str]:
        """The directories changed since the last call (all, the first time)."""
        with self._lock:
            self._event.clear()
            dirty, self._dirty = self._dirty, set()
        return dirty

    def wait(self, backstop: float = 5.0) -> set[str]:
        """Block until something changed (or ``backstop`` seconds), then ``take``.

        On a backstop timeout every directory counts as changed."""
        if not self._event.wait(backstop):
            with self._lock:
                self._dirty.update(self.dirs.values())
        return self.take()

    def close(self) -> None:
        self.observer.stop()
        self.observer.join()
