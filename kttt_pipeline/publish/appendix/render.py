"""The appendix as the signer signs it: a PDF rendered by LibreOffice (``soffice --headless --convert-to pdf``).

A workbook's thousands separators follow the reader's spreadsheet settings (Excel shows 30,490 under an English
locale for the 30.490 LibreOffice shows under the [$-42A] tag); a PDF carries the figures as printed, the same on
every screen and printer (docs/decisions.md, "The signed appendix"). ``KTTT_APPENDIX_PDF``
(:func:`kttt_pipeline.core.config.appendix_pdf`) decides: ``auto`` renders when soffice is on the PATH, ``1``
requires it, ``0`` never renders."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
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


def render_pdf(xlsx: Path | str, pdf: Path | str) -> Path:
    """Render ``xlsx`` to ``pdf`` with headless LibreOffice, in a private user profile (several conversions may
    run at once)."""
    exe = soffice()
    if exe is None:
        raise RenderFailed("không tìm thấy LibreOffice (soffice) để in phụ biểu ra PDF")
    xlsx, pdf = Path(xlsx), Path(pdf)
    with tempfile.TemporaryDirectory(prefix="kttt-lo-") as tmp:
        work = Path(tmp)
        proc = subprocess.run(
            [
                exe,
                f"-env:UserInstallation={(work / 'profile').as_uri()}",
                "--headless",
                "--norestore",
                "--convert-to",
                "pdf",
                "--outdir",
                str(work / "out"),
                str(xlsx),
            ],
            capture_output=True,
            text=True,
            timeout=TIMEOUT_S,
        )
        made = work / "out" / (xlsx.stem + ".pdf")
        if proc.returncode != 0 or not made.is_file() or made.stat().st_size == 0:
            raise RenderFailed(
                f"LibreOffice không in được '{xlsx.name}' ra PDF (mã thoát {proc.returncode}): "
                f"{(proc.stderr or proc.stdout).strip()[:300]}"
            )
        pdf.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(made), str(pdf))
    return pdf
