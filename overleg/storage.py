"""Stored files (documents, approved PDFs) behind one small interface.

``get_storage()`` returns the configured backend; the default keeps files on disk under
``STORAGE_DIR``. An S3-compatible backend only needs the same three methods:

- ``save(data: bytes) -> str``: store the bytes, return a new opaque key;
- ``open(key) -> bytes``: the stored bytes (``FileNotFoundError`` when missing);
- ``delete(key)``: remove them (no error when already gone).

Restoring a backup (overleg/backup.py) also needs ``put(key, data)``: store bytes under a
key they had before.

Keys are random and never derived from a user's file name.
"""

from __future__ import annotations

import os
import re
import secrets
import tempfile
from pathlib import Path
from typing import Protocol

from flask import current_app

_KEY_RE = re.compile(r"^[0-9a-f]{2}/[0-9a-f]{32}$")


class Storage(Protocol):
    def save(self, data: bytes) -> str: ...

    def open(self, key: str) -> bytes: ...

    def delete(self, key: str) -> None: ...


class DiskStorage:
    """Files on a local (or shared network) disk: ``<root>/<2 hex>/<32 hex>``."""

    def __init__(self, root: str | os.PathLike) -> None:
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        if not _KEY_RE.match(key or ""):
            raise FileNotFoundError(f"invalid storage key {key!r}")
        return self.root / key

    def save(self, data: bytes) -> str:
        name = secrets.token_hex(16)
        key = f"{name[:2]}/{name}"
        self.put(key, data)
        return key

    def put(self, key: str, data: bytes) -> None:
        """Store bytes under a given key, replacing what was there (restoring a backup)."""
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        # Write to a temporary file and rename, so a reader never sees half a file.
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.replace(tmp, path)
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise

    def open(self, key: str) -> bytes:
        return self._path(key).read_bytes()

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)


def get_storage() -> Storage:
    """The storage backend of the current app (disk under STORAGE_DIR)."""
    factory = current_app.config.get("STORAGE_BACKEND")
    if callable(factory):
        return factory(current_app)
    return DiskStorage(current_app.config["STORAGE_DIR"])
