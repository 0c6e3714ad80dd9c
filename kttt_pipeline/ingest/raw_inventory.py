"""The raw files of a period: which are read (and by which reader), which are ignored and why, and the inventory
(read-only: files are hashed, never modified).

Nothing is skipped without a trace: every entry under ``raw/<period>/`` (its reading folders, their subfolders,
anything else placed there) and the year's targets file is either read or ignored with a Vietnamese reason, and
both get a ``load_audit`` row. Ignored: hidden entries (the name or a parent folder starts with "."), office lock
files (``~$…``, ``.~lock.…#``), what is not a regular file (FIFO, socket, device), a symbolic link that resolves
outside the raw folder, and files placed where no reader looks.

Discovery never opens a file (opening a FIFO blocks): entries are told apart by ``lstat``/``stat`` alone, and a
symbolic link is followed only when it resolves inside the raw folder (then its target is read as if it were there).
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from kttt_pipeline.core.periods import Period
from kttt_pipeline.ingest.registry import READERS
from kttt_pipeline.ingest.workbook import sha256_of

#: ``file_kind`` of an ignored entry that lies in no reading folder of the period
OTHER_KIND = "other"
#: ``load_audit.status`` of an entry that is not read (hidden, lock file, not a regular file, link outside the raw
#: folder, or placed where no reader looks): never a rejection and never a finding, the reason is in ``error``
IGNORED = "IGNORED"


@dataclass(frozen=True)
class RawEntry:
    """One entry of a period's folders: ``path`` as found under the raw folder (a link's own path), the kind of the
    folder it lies in, and why it is ignored (None: it is read). ``size``/``mtime``: of the file read, or of the
    entry itself (``lstat``) when ignored."""

    path: Path
    kind: str
    size: int
    mtime: float
    ignored_vi: str | None = None
    ignored_en: str | None = None


def is_lock_file(name: str) -> bool:
    """An office suite's lock file beside a workbook open for editing: Excel's ``~$name.xlsx``, LibreOffice's
    ``.~lock.name.xlsx#``."""
    return name.startswith("~$") or (name.startswith(".~lock.") and name.endswith("#"))


def _undecorated(name: str) -> str:
    """The workbook a lock or hidden file stands beside: ``~$2026.xlsx``, ``.~lock.2026.xlsx#`` → ``2026.xlsx``."""
    if name.startswith(".~lock.") and name.endswith("#"):
        return name[len(".~lock.") : -1]
    return name.removeprefix("~$").lstrip(".")


_NOT_REGULAR = (
    (stat.S_ISFIFO, "đường ống (FIFO)", "a FIFO"),
    (stat.S_ISSOCK, "socket", "a socket"),
    (stat.S_ISCHR, "thiết bị ký tự", "a character device"),
    (stat.S_ISBLK, "thiết bị khối", "a block device"),
)


def _not_regular(mode: int) -> tuple[str, str]:
    what_vi, what_en = next(((vi, en) for test, vi, en in _NOT_REGULAR if test(mode)), ("loại đặc biệt", "special"))
    return (f"không phải tệp thông thường ({what_vi}): không mở, không đọc", f"not a regular file: {what_en}")


class _Walk:
    """One discovery of a period's entries: the files read in the order of the readers, the ignored ones."""

    def __init__(self, raw_dir: Path, period: Period, link_roots: Iterable[Path]):
        self.raw_dir = raw_dir
        roots = [raw_dir, raw_dir / period.key, *link_roots]
        self.roots = [Path(os.path.realpath(r)) for r in roots]
        self.read: list[RawEntry] = []
        self.ignored: list[RawEntry] = []

    def inside(self, path: Path) -> bool:
        target = Path(os.path.realpath(path))
        return any(target == r or r in target.parents for r in self.roots)

    def ignore(self, path: Path, kind: str, st: os.stat_result, reason_vi: str, reason_en: str) -> None:
        self.ignored.append(RawEntry(path, kind, int(st.st_size), st.st_mtime, reason_vi, reason_en))

    def look(self, path: Path, hidden_in: str | None) -> tuple[os.stat_result, str | None, tuple[str, str] | None]:
        """``lstat`` of the entry, what it is (``"dir"``: a folder to look into, ``"file"``: a regular file that may
        be read) and the reason it is ignored whatever its place (None: none). Never opens anything."""
        st = os.lstat(path)
        name = path.name
        if stat.S_ISDIR(st.st_mode):
            return st, "dir", None
        if is_lock_file(name):
            return (
                st,
                None,
                ("tệp khóa do Excel/LibreOffice tạo khi đang mở một tệp, không phải báo cáo", "an office lock file"),
            )
        if name.startswith("."):
            return st, None, ("tệp ẩn (tên bắt đầu bằng dấu chấm)", "a hidden file")
        if hidden_in:
            return st, None, (f"nằm trong thư mục ẩn '{hidden_in}'", f"inside the hidden folder {hidden_in!r}")
        if stat.S_ISLNK(st.st_mode):
            if not self.inside(path):
                return (
                    st,
                    None,
                    (
                        "liên kết (symlink) trỏ ra ngoài thư mục dữ liệu gốc: không mở, không đọc",
                        "a symbolic link resolving outside the raw folder, not followed",
                    ),
                )
            try:
                target = os.stat(path)
            except OSError:
                return st, None, ("liên kết (symlink) hỏng, không trỏ tới tệp nào", "a broken symbolic link")
            if stat.S_ISDIR(target.st_mode):
                return (
                    st,
                    None,
                    (
                        "liên kết (symlink) tới một thư mục: các tệp bên trong không được đọc",
                        "a symbolic link to a folder, not looked into",
                    ),
                )
            if not stat.S_ISREG(target.st_mode):
                return st, None, _not_regular(target.st_mode)
            return target, "file", None
        if not stat.S_ISREG(st.st_mode):
            return st, None, _not_regular(st.st_mode)
        return st, "file", None

    def reading_folder(self, folder: Path, kind: str) -> None:
        """The entries of a reading folder: its regular files are read (name order); anything else is ignored."""
        try:
            st = os.lstat(folder)
        except OSError:
            return  # not there: nothing arrived
        if stat.S_ISLNK(st.st_mode):
            if not self.inside(folder):
                self.ignore(
                    folder,
                    kind,
                    st,
                    "thư mục là liên kết (symlink) trỏ ra ngoài thư mục dữ liệu gốc: không đọc các tệp bên trong",
                    "a folder linked outside the raw folder, not followed",
                )
                return
            if not folder.is_dir():
                self.ignore(
                    folder, kind, st, "liên kết (symlink) không trỏ tới thư mục", "a link where a folder is expected"
                )
                return
        elif not stat.S_ISDIR(st.st_mode):
            self.ignore(
                folder,
                kind,
                st,
                f"'{folder.name}' phải là thư mục, không phải tệp",
                f"{folder.name!r} should be a folder",
            )
            return
        for path in self.entries(folder):
            try:
                st, what, reason = self.look(path, None)
            except OSError:
                continue  # gone since the folder was listed
            if reason:
                self.ignore(path, kind, st, *reason)
            elif what == "dir":
                self.elsewhere(
                    path,
                    kind,
                    f"nằm trong thư mục con '{path.name}' của {folder.name}/: chỉ đọc các "
                    f"tệp đặt trực tiếp trong {folder.name}/",
                    f"inside a subfolder of {folder.name}/",
                    path.name if path.name.startswith(".") else None,
                )
            else:
                self.read.append(RawEntry(path, kind, int(st.st_size), st.st_mtime))

    def elsewhere(self, folder: Path, kind: str, why_vi: str, why_en: str, hidden_in: str | None) -> None:
        """Every entry of a folder no reader looks into (recursively; links never followed): ignored, with the
        reason of the entry itself (hidden, lock, not regular, link outside) or else ``why``."""
        for path in self.entries(folder):
            try:
                st, what, reason = self.look(path, hidden_in)
            except OSError:
                continue
            if what == "dir":
                self.elsewhere(
                    path, kind, why_vi, why_en, hidden_in or (path.name if path.name.startswith(".") else None)
                )
            else:
                self.ignore(path, kind, st, *(reason or (why_vi, why_en)))

    @staticmethod
    def entries(folder: Path) -> list[Path]:
        try:
            with os.scandir(folder) as it:
                return sorted(Path(e.path) for e in it)
        except OSError:
            return []


def period_entries(
    raw_dir: Path | str, period: Period | str, link_roots: Iterable[Path] = ()
) -> tuple[list[RawEntry], list[RawEntry]]:
    """The period's entries: those read, in the order ``extract_period`` reads them (the readers' order, folder
    then name), and those ignored with the reason (path order).

    ``link_roots``: folders besides the raw folder (and the period's folder) that a symbolic link may resolve into
    (the clerk's check links the real raw folder's tax register into a throw-away one)."""
    raw_dir = Path(raw_dir)
    p = Period.parse(period) if isinstance(period, str) else period
    walk = _Walk(raw_dir, p, link_roots)
    period_dir = raw_dir / p.key
    reading: dict[str, str] = {}
    for fk in READERS:
        for folder in fk.folders:
            if not fk.yearly:
                reading[folder] = fk.kind
                walk.reading_folder(period_dir / folder, fk.kind)
                continue
            # the year's file of a yearly kind (raw/<folder>/<year>.*); other years' files belong to other periods
            for path in walk.entries(raw_dir / folder):
                if Path(_undecorated(path.name)).stem != str(p.year):
                    continue
                try:
                    st, what, reason = walk.look(path, None)
                except OSError:
                    continue
                if reason or what == "dir":
                    walk.ignore(path, fk.kind, st, *(reason or ("là thư mục, không phải tệp", "a folder")))
                else:
                    walk.read.append(RawEntry(path, fk.kind, int(st.st_size), st.st_mtime))
    names = ", ".join(f"{f}/" for f in reading)
    for path in walk.entries(period_dir):
        if path.name in reading:
            continue
        try:
            st, what, reason = walk.look(path, None)
        except OSError:
            continue
        if what == "dir":
            walk.elsewhere(
                path,
                OTHER_KIND,
                f"nằm trong thư mục '{path.name}', không phải thư mục tiếp nhận của kỳ ({names})",
                f"inside {path.name}/, not a folder read for the period",
                path.name if path.name.startswith(".") else None,
            )
        else:
            walk.ignore(
                path,
                OTHER_KIND,
                st,
                *(
                    reason
                    or (
                        f"đặt trực tiếp trong thư mục kỳ, không thuộc thư mục tiếp nhận nào ({names})",
                        "directly in the period's folder, in no folder read",
                    )
                ),
            )
    return walk.read, sorted(walk.ignored, key=lambda e: e.path.as_posix())


def period_files(raw_dir: Path, period: str) -> list[tuple[Path, str]]:
    """Every raw file of the period that is read, with its kind, where the registry of readers says each kind
    arrives (spec §2): the files ``extract_period`` reads, in the same order (ignored entries left out)."""
    return [(e.path, e.kind) for e in period_entries(raw_dir, period)[0]]


def inventory(raw_dir: Path, period: str) -> pd.DataFrame:
    rows = []
    for f, kind in period_files(raw_dir, period):
        st = f.stat()
        rows.append(
            {
                "path": f.relative_to(raw_dir).as_posix(),
                "file_kind": kind,
                "size_bytes": st.st_size,
                "mtime": st.st_mtime,
                "sha256": sha256_of(f),
            }
        )
    return pd.DataFrame(rows, columns=["path", "file_kind", "size_bytes", "mtime", "sha256"])
