"""Receiving an upload: the size limit applied while the body arrives, and a name that is never a path.

The body is counted as it arrives (and refused at once when its declared length is over the limit), so a 50 MB
upload is refused without being held whole. The clerk's file name is shown as text and kept for its extension
only: the file is written as the last component of that name, cleaned, inside a fresh private folder, so
``../../x.xlsx`` or ``C:\\x.xlsx`` can never reach outside it.
"""

from __future__ import annotations

import re
import shutil
import tempfile
import unicodedata
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import anyio
from starlette.datastructures import UploadFile
from starlette.requests import Request

from kttt_pipeline.core.numfmt import format_vn
from kttt_pipeline.ingest.workbook import EXCEL_SUFFIXES

#: room for the form's other fields and the multipart framing beside the file
FORM_OVERHEAD_BYTES = 64 * 1024
#: the longest name kept (characters; a file system allows 255 bytes, a Vietnamese letter takes up to 3)
MAX_NAME_CHARS = 80
#: what a file is called when nothing of its name is usable
FALLBACK_STEM = "bao_cao"


class UploadRefused(Exception):
    """An upload that is not taken: ``status`` (HTTP) and the clerk's reason in Vietnamese."""

    def __init__(self, status: int, reason_vi: str):
        super().__init__(reason_vi)
        self.status = status
        self.reason_vi = reason_vi


def too_large(limit: int) -> UploadRefused:
    return UploadRefused(413, f"tệp quá lớn: tối đa {format_vn(limit / 2**20, 1, strip_zero_decimals=True)} MB")


def safe_name(name: str | None) -> str:
    """The last component of a clerk's file name, without what a file system or the raw folder's reading would
    treat specially: folders (``/``, ``\\``), control characters, a leading ``.`` or ``~$`` (a hidden or lock
    file is not read), characters Windows refuses; at most :data:`MAX_NAME_CHARS` characters, its extension kept."""
    base = re.split(r"[\\/]", unicodedata.normalize("NFC", name or ""))[-1]
    base = "".join(c for c in base if c.isprintable() and c not in '<>:"|?*')
    stem, dot, suffix = base.rpartition(".")
    if not dot:
        stem, suffix = base, ""
    suffix = "".join(c for c in suffix.lower() if c.isalnum())[:8]
    stem = stem.strip().lstrip(".~$ ").rstrip(". ") or FALLBACK_STEM
    keep = MAX_NAME_CHARS - len(suffix) - 1
    return f"{stem[:keep]}.{suffix}" if suffix else stem[:MAX_NAME_CHARS]


Message = MutableMapping[str, Any]


def _counting(receive: Callable[[], Awaitable[Message]], limit: int) -> Callable[[], Awaitable[Message]]:
    seen = 0

    async def counted() -> Message:
        nonlocal seen
        message = await receive()
        if message.get("type") == "http.request":
            seen += len(message.get("body", b""))
            if seen > limit:
                raise too_large(limit - FORM_OVERHEAD_BYTES)
        return message

    return counted


@dataclass
class Upload:
    """A received file in its own private folder (:meth:`discard` removes both) and the form's text fields."""

    path: Path
    name_sent: str
    fields: dict[str, str]

    def discard(self) -> None:
        shutil.rmtree(self.path.parent, ignore_errors=True)


def _write(source, path: Path) -> None:
    with open(path, "xb") as out:
        shutil.copyfileobj(source, out, 1 << 20)


def with_workbook_suffix(path: Path) -> Path:
    """``path`` renamed with the extension its content says, when its name has none a workbook has ("Bao cao quy
    IV.2025"): a zip is read as .xlsx, an OLE file as .xls; anything else keeps its name (and is refused as an
    unsupported file by the reader)."""
    if path.suffix.lower() in EXCEL_SUFFIXES:
        return path
    with open(path, "rb") as fh:
        head = fh.read(8)
    suffix = ".xlsx" if head.startswith(b"PK") else ".xls" if head.startswith(b"\xd0\xcf\x11\xe0") else None
    if suffix is None:
        return path
    target = path.with_name(path.name + suffix)
    path.rename(target)
    return target


async def receive_upload(request: Request, max_bytes: int) -> Upload:
    """The multipart form's ``file`` and text fields; :class:`UploadRefused` when the body is over ``max_bytes``
    (plus the form's framing) or holds no file."""
    limit = max_bytes + FORM_OVERHEAD_BYTES
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise too_large(max_bytes)
    counted = Request(request.scope, _counting(request.receive, limit))
    try:
        form = await counted.form(max_files=1, max_fields=20)
    except UploadRefused:
        raise
    except Exception as exc:  # a malformed multipart body (the parser's own error types)
        raise UploadRefused(400, "không đọc được dữ liệu gửi lên (biểu mẫu không hợp lệ)") from exc
    try:
        sent = form.get("file")
        if not isinstance(sent, UploadFile):
            raise UploadRefused(400, "chưa chọn tệp báo cáo")
        fields = {k: v for k, v in form.multi_items() if isinstance(v, str)}
        folder = Path(tempfile.mkdtemp(prefix="kttt-upload-"))
        path = folder / safe_name(sent.filename)
        await anyio.to_thread.run_sync(_write, sent.file, path)  # up to the limit's megabytes: off the event loop
        return Upload(with_workbook_suffix(path), sent.filename or "", fields)
    finally:
        await form.close()
