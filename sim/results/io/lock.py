"""An exclusive lock on an output directory, so two runs never write into the same one.

The lock is `flock` on `.DIR.lock` beside `DIR`, holding the owner's process id. The kernel
releases it when the owner exits, however it exits, so a crashed run never leaves a stale lock.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path


class OutputLocked(RuntimeError):
    """Another process is writing into the same output directory."""


def lock_path(out: Path) -> Path:
    """The lock file of output directory `out`."""
    return out.with_name(f".{out.name}.lock")


class DirLock:
    """Held from `acquire` to `release`; a second holder fails at once with `OutputLocked`."""

    def __init__(self, out: Path) -> None:
        self.out = Path(out)
        self.path = lock_path(self.out)
        self._fd: int | None = None

    def acquire(self) -> DirLock:
        """Take the lock or raise `OutputLocked` naming the process that holds it."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        while True:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                holder = os.read(fd, 64).decode("ascii", "replace").strip() or "unknown"
                os.close(fd)
                raise OutputLocked(
                    f"{self.out} is being written by another run (process {holder}); "
                    "wait for it to finish or choose another --out"
                ) from None
            try:  # the file may have been removed by a holder releasing it meanwhile
                same = os.stat(self.path).st_ino == os.fstat(fd).st_ino
            except FileNotFoundError:
                same = False
            if same:
                break
            os.close(fd)
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode("ascii"))
        self._fd = fd
        return self

    def release(self) -> None:
        """Give the lock up (and remove its file); harmless when not held."""
        if self._fd is None:
            return
        self.path.unlink(missing_ok=True)
        os.close(self._fd)
        self._fd = None
