"""Write the site atomically: into a temporary folder, then swap it with site/ in one step.

A failed or killed build never touches site/; a lock keeps two builds from swapping at once.
"""
from __future__ import annotations

import errno
import fcntl
import hashlib
import os
import shutil
import tempfile
from pathlib import Path

import rcssmin

TMP_PREFIX = ".site-tmp-"
_RENAME_EXCHANGE = 2


class Busy(Exception):
    """Another build holds the lock on this output folder."""


def hash_assets(static_dir: Path) -> dict[str, tuple[str, bytes]]:
    """static/name.ext -> (assets/name.<hash>.ext, bytes): a changed file gets a new URL.
    Stylesheets are minified: the CSS is part of every page's first-render budget (14 KB)."""
    out = {}
    if not static_dir.is_dir():
        return out
    for path in sorted(p for p in static_dir.rglob("*") if p.is_file()):
        rel = path.relative_to(static_dir).as_posix()
        body = path.read_bytes()
        if rel.endswith(".css"):
            body = rcssmin.cssmin(body)
        digest = hashlib.sha256(body).hexdigest()[:10]
        stem, dot, ext = rel.rpartition(".")
        hashed = f"assets/{stem}.{digest}.{ext}" if dot else f"assets/{rel}.{digest}"
        out[rel] = (hashed, body)
    return out


class Lock:
    """An exclusive, non-blocking lock next to the output folder (released if the process dies)."""

    def __init__(self, out_dir: Path):
        self.path = out_dir.parent / f".{out_dir.name}.lock"
        self.fd: int | None = None

    def __enter__(self) -> "Lock":
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(self.fd)
            self.fd = None
            raise Busy(f"another build is writing {self.path.parent.name}/{self.path.name[1:-5]}/ "
                       "right now; wait for it to finish and build again") from None
        return self

    def __exit__(self, *exc) -> None:
        if self.fd is not None:
            fcntl.flock(self.fd, fcntl.LOCK_UN)
            os.close(self.fd)


def clean_stale(out_dir: Path) -> None:
    """Remove temporary folders that a killed build left behind (call while holding the lock)."""
    for stale in out_dir.parent.glob(f"{TMP_PREFIX}{out_dir.name}-*"):
        shutil.rmtree(stale, ignore_errors=True)


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two paths with renameat2(RENAME_EXCHANGE); False where unsupported."""
    import ctypes  # only here: importing it costs more than a small build's write

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        fn = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd = -100
    if fn(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.EXDEV):
        return False
    raise OSError(err, os.strerror(err), str(a))


class Staging:
    """A temporary folder beside out_dir that becomes out_dir in one step (commit), or vanishes
    (on any exception). Pages are written into it as they are rendered, by whichever process
    renders them, so a large site is never held in memory whole."""

    def __init__(self, out_dir: Path):
        self.out_dir = out_dir.absolute()
        self.tmp = Path(tempfile.mkdtemp(prefix=f"{TMP_PREFIX}{self.out_dir.name}-", dir=self.out_dir.parent))

    def write(self, rel: str, body: bytes) -> None:
        target = self.tmp / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(body)

    def commit(self) -> None:
        for folder in [self.tmp, *(p for p in self.tmp.rglob("*") if p.is_dir())]:
            folder.chmod(0o755)
        if not self.out_dir.exists():
            os.rename(self.tmp, self.out_dir)
            return
        if not _exchange(self.tmp, self.out_dir):
            # No atomic exchange here: two renames, with the old site kept until the new is in place.
            old = self.tmp.with_name(self.tmp.name + "-old")
            os.rename(self.out_dir, old)
            os.rename(self.tmp, self.out_dir)
            self.tmp = old

    def __enter__(self) -> "Staging":
        return self

    def __exit__(self, *exc) -> None:
        shutil.rmtree(self.tmp, ignore_errors=True)  # the old site after a commit, else the new


def update_site(files: dict[str, bytes], previous: dict[str, bytes], out_dir: Path) -> None:
    """Preview mode: bring out_dir from the previous build's files to these, touching only what
    changed; each file is replaced atomically, so the server never sends half a page."""
    for rel in sorted(files):
        if previous.get(rel) == files[rel] and (out_dir / rel).is_file():
            continue
        target = out_dir / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.tmp")
        tmp.write_bytes(files[rel])
        os.replace(tmp, target)
    for rel in sorted(set(previous) - set(files)):
        (out_dir / rel).unlink(missing_ok=True)
