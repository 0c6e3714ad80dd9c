"""The appendix as the signer signs it: a PDF rendered by LibreOffice (``soffice --headless --convert-to pdf``).

A workbook's thousands separators follow the reader's spreadsheet settings (Excel shows 30,490 under an English
locale for the 30.490 LibreOffice shows under the [$-42A] tag); a PDF carries the figures as printed, the same on
every screen and printer (docs/decisions.md, "The signed appendix"). ``KTTT_APPENDIX_PDF``
(:func:`kttt_pipeline.core.config.appendix_pdf`) decides: ``auto`` renders when soffice is on the PATH, ``1``
requires it, ``0`` never renders."""

from __future__ import annotations

import atexit
import contextlib
import hashlib
import os
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from kttt_pipeline.core import config

#: the time LibreOffice is given to render one appendix: many times what the largest needs on one busy core, so
#: that only a hung LibreOffice is stopped
TIMEOUT_S = 300


class RenderFailed(RuntimeError):
    """LibreOffice did not produce the PDF (the message says why, in Vietnamese)."""


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def pdf_wanted() -> bool:
    """Whether the appendix is rendered to PDF (a required renderer that is missing is :class:`RenderFailed`)."""
    mode = config.appendix_pdf()
    if mode == "0":
        return False
    if mode == "1":
        if soffice() is None:
            raise RenderFailed(
                "không tìm thấy LibreOffice (soffice) để in phụ biểu ra PDF, trong khi KTTT_APPENDIX_PDF=1 yêu cầu"
            )
        return True
    return soffice() is not None


def _convert(exe: str, profile: Path, xlsx: Path, out: Path, timeout: float = TIMEOUT_S) -> subprocess.CompletedProcess:
    """``soffice --convert-to pdf`` of ``xlsx`` into ``out`` with the user profile ``profile``: LibreOffice itself,
    or, when an office of that profile is running (:class:`_WarmOffice`), a request it hands to that office."""
    return subprocess.run(
        [
            exe,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out),
            str(xlsx),
        ],
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def render_pdf(xlsx: Path | str, pdf: Path | str) -> Path:
    """Render ``xlsx`` to ``pdf`` with headless LibreOffice, in a private user profile (several conversions may
    run at once); inside :func:`warm_office` (in this process or a worker forked from it), by the office kept
    running for it when it is ready."""
    exe = soffice()
    if exe is None:
        raise RenderFailed("không tìm thấy LibreOffice (soffice) để in phụ biểu ra PDF")
    xlsx, pdf = Path(xlsx), Path(pdf)
    with tempfile.TemporaryDirectory(prefix="kttt-lo-") as tmp:
        work = Path(tmp)
        warm = _WARM
        if warm is not None and warm.lock.acquire(blocking=False):
            try:
                proc, made = warm.convert(exe, xlsx, work / "out")
            finally:
                warm.lock.release()
        else:
            proc = _convert(exe, work / "profile", xlsx, work / "out")
            made = work / "out" / (xlsx.stem + ".pdf")
        if proc.returncode != 0 or not made.is_file() or made.stat().st_size == 0:
            raise RenderFailed(
                f"LibreOffice không in được '{xlsx.name}' ra PDF (mã thoát {proc.returncode}): "
                f"{(proc.stderr or proc.stdout).strip()[:300]}"
            )
        pdf.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(made), str(pdf))
    return pdf


#: how long a conversion waits for the warm office to be ready before rendering without it
WARM_READY_S = 20.0
#: how long a conversion handed to the warm office may take (it makes one in ≈ 0.3 s, the other workers' first):
#: past it the office is taken for hung, stopped, and the conversion made by a LibreOffice of its own
HANDOVER_TIMEOUT_S = 120.0


def _ipc_pipe(profile: Path) -> Path:
    """The pipe a running LibreOffice of the user profile ``profile`` listens on for other ``soffice`` calls
    (desktop/source/app/officeipcthread.cxx: ``SingleOfficeIPC_`` and the MD5 of the profile's URL in UTF-16,
    each byte in hex without padding; sal/osl/unx/pipe.cxx: ``/tmp/OSL_PIPE_<uid>_``)."""
    digest = hashlib.md5(profile.as_uri().encode("utf-16-le")).digest()
    return Path("/tmp") / f"OSL_PIPE_{os.getuid()}_SingleOfficeIPC_{''.join(format(b, 'x') for b in digest)}"


#: the watch of a warm office (POSIX sh): while the office runs, once its parent (this process) is gone (killed,
#: even by SIGKILL), the office's process group is killed and its folder and pipe removed; a guard in its own
#: session survives the parent's group
_GUARD_SH = """
parent=$1; office=$2; root=$3; pipe=$4
while kill -0 "$office" 2>/dev/null; do
    read -r _ _ _ ppid _ < /proc/$$/stat
    if [ "$ppid" != "$parent" ]; then
        kill -KILL -"$office" 2>/dev/null
        sleep 0.5
        rm -rf -- "$root" "$pipe"
        exit 0
    fi
    sleep 0.5
done
"""


def _guard(office: int, root: Path, pipe: Path) -> None:
    """A warm office dies with this process (as the reading workers do, processes/forked.py): a small watch in a
    session of its own kills the office's process group when this process is gone, and removes the office's folder
    ``root`` and its ``pipe``; it ends with the office."""
    if not Path(f"/proc/{os.getpid()}/stat").exists():
        return  # no /proc: no watch (a process killed by SIGKILL leaves its office running)
    subprocess.Popen(
        ["/bin/sh", "-c", _GUARD_SH, "kttt-office-guard", str(os.getpid()), str(office), str(root), str(pipe)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


class _WarmOffice:
    """One LibreOffice kept running for every appendix conversion of this process, in a user profile private to it.

    ``soffice --convert-to`` with a profile whose office is running hands the conversion to that office over its
    pipe and waits for it: the client costs next to nothing, the office ≈ 0.3 CPU-s a province's appendix, against
    ≈ 1.15 CPU-s for a LibreOffice started for it. An office with no document open ends after each conversion
    handed to it (its dispatch watcher ends the office when no frame is left); this one holds a blank workbook
    open (:data:`HELD`), so it stays and serves the next. The PDF is the one a LibreOffice started for it makes
    (the same program, the same export filter; ``tests/integration/test_render_warm.py``). An office not ready in
    :data:`WARM_READY_S`, or gone, is replaced; a conversion it did not make is made by a LibreOffice of its own.

    The workers a process forks (a national run's, ``processes/workers.py``) hand their conversions to its office
    too: it makes them one after another (≈ 0.3 s each), and one office is all the memory the run's PDFs take.
    Only the process that started the office replaces it (the workers find the office in force by its process id,
    written in :data:`PID_FILE`); any of them stops one that hangs."""

    def __init__(self, exe: str) -> None:
        self.exe = exe
        self.owner = os.getpid()
        self.lock = threading.Lock()
        self.root = Path(tempfile.mkdtemp(prefix="kttt-lo-warm-"))
        self.profile = self.root / "profile"
        self.held = _blank_workbook(self.root / HELD)
        self.proc: subprocess.Popen | None = None
        self.started = 0  # offices started (one, unless one died or hung)
        self.served = 0  # conversions the warm office made (the others: a LibreOffice started for them)
        self.given_up = False  # an office never ready: no more are started (_ready)
        self.start()

    def start(self) -> None:
        self._end(grace_s=0)  # an office gone or hung
        with contextlib.suppress(OSError):  # the gone office's: it would say the new one ready before it is
            self._lock_file().unlink()
        self.proc = subprocess.Popen(
            [
                self.exe,
                f"-env:UserInstallation={self.profile.as_uri()}",
                "--headless",
                "--norestore",
                "--nologo",
                str(self.held),
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # its own process group: _end() stops soffice and the soffice.bin it starts
        )
        self.started += 1
        _guard(self.proc.pid, self.root, _ipc_pipe(self.profile))
        pid_file = self.root / PID_FILE
        pid_file.with_suffix(".tmp").write_text(str(self.proc.pid), encoding="ascii")
        pid_file.with_suffix(".tmp").replace(pid_file)  # whole, for the workers reading it

    def _lock_file(self) -> Path:
        """LibreOffice's lock file of the held workbook: there once the office holds it open."""
        return self.held.with_name(f".~lock.{self.held.name}#")

    def _ready(self) -> bool:
        """The office is running, listens on its pipe and holds its workbook open (LibreOffice's lock file of it:
        a conversion handed over before that is made by the office's own start, which then ends). One that runs
        but is not ready after :data:`WARM_READY_S` (e.g. a pipe kept elsewhere than where :func:`_ipc_pipe`
        looks) ends the warm office: the conversions that follow start LibreOffice as usual, without that wait
        each time."""
        if self.given_up:  # said once in this process: no wait for each conversion
            return False
        pipe, lock = _ipc_pipe(self.profile), self._lock_file()
        deadline = time.monotonic() + WARM_READY_S
        while self._running():
            if pipe.exists() and lock.exists():
                return True
            if time.monotonic() > deadline:
                self.given_up = True
                break
            time.sleep(0.05)
        return False

    def _mine(self) -> bool:
        """This process started the office (a worker forked from it only hands it conversions)."""
        return self.owner == os.getpid()

    def _office_pid(self) -> int | None:
        """The process id of the office in force: this process's own, or (in a worker) the one its starter wrote."""
        if self._mine():
            return self.proc.pid if self.proc is not None else None
        try:
            return int((self.root / PID_FILE).read_text(encoding="ascii"))
        except (OSError, ValueError):
            return None

    def _running(self) -> bool:
        if self._mine():
            return self.proc is not None and self.proc.poll() is None
        pid = self._office_pid()  # not this process's child: poll() would take it for ended
        if pid is None:
            return False
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        try:  # ended, not yet reaped by its starter
            return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
        except (OSError, IndexError):
            return True

    def _stop_hung(self) -> None:
        """The office hung on a conversion: its process group killed (by whichever process saw it), so that the
        conversions that follow do not wait on it too; its starter replaces it."""
        pid = self._office_pid()
        if pid is not None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(pid, 9)
        if self._mine():
            self._end(grace_s=0)

    def convert(self, exe: str, xlsx: Path, out: Path) -> tuple[subprocess.CompletedProcess, Path]:
        """Convert by the warm office when it is ready; what it did not make (gone, crashed, not ready) is made by a
        LibreOffice of its own, and (by the process that started it) a new warm office is started for the next.
        Returns the process and where the PDF is."""
        made = out / (xlsx.stem + ".pdf")
        if self._ready():
            try:
                proc = _convert(exe, self.profile, xlsx, out, timeout=HANDOVER_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                self._stop_hung()
            else:
                if proc.returncode == 0 and made.is_file() and made.stat().st_size > 0:
                    self.served += 1
                    return proc, made
        if not self._mine():
            return _convert(exe, out.parent / "profile", xlsx, out), made
        if self.given_up:
            self._end(grace_s=0)
        proc = _convert(exe, out.parent / "profile", xlsx, out)  # by a LibreOffice of its own
        if not self.given_up and not self._running():
            self.start()  # the office gone (or crashed on this workbook): a new one for the next
        return proc, made

    def _end(self, grace_s: float = 10) -> None:
        """The office gone: waited for ``grace_s``, then stopped (its whole process group)."""
        proc, self.proc = self.proc, None
        if proc is not None:
            try:
                proc.wait(timeout=grace_s)
            except subprocess.TimeoutExpired:
                for sig in (15, 9):
                    with contextlib.suppress(ProcessLookupError):
                        os.killpg(proc.pid, sig)
                    with contextlib.suppress(subprocess.TimeoutExpired):
                        proc.wait(timeout=10)
                        break
        pipe = _ipc_pipe(self.profile)
        deadline = time.monotonic() + grace_s
        while pipe.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        if proc is not None and pipe.exists():  # left by an office stopped: no office listens on it any more
            with contextlib.suppress(OSError):
                pipe.unlink()

    def close(self) -> None:
        if not self._mine():  # a forked worker's copy: the office is its parent's
            return
        self._end(grace_s=0)
        shutil.rmtree(self.root, ignore_errors=True)


#: the document the warm office holds open so that it stays after a conversion (a blank workbook of its own)
HELD = "giu_van_phong_mo.xlsx"
#: the file (in the warm office's folder) holding the process id of the office in force
PID_FILE = "office.pid"


def _blank_workbook(path: Path) -> Path:
    import openpyxl

    openpyxl.Workbook().save(path)
    return path


_WARM: _WarmOffice | None = None


@contextlib.contextmanager
def warm_office() -> Iterator[None]:
    """Within it, this process's appendix conversions use one LibreOffice kept running (:class:`_WarmOffice`): for
    a run of many provinces (``kttt materialize --province A --province B …``: one office for the command and the
    workers it forks; the UI's national job), where each province would otherwise pay LibreOffice's start. Nothing
    is started when no PDF is wanted."""
    global _WARM
    exe = soffice()
    if _WARM is not None or exe is None or not pdf_wanted():
        yield
        return
    _WARM = warm = _WarmOffice(exe)
    atexit.register(warm.close)
    try:
        yield
    finally:
        _WARM = None
        warm.close()
        atexit.unregister(warm.close)
