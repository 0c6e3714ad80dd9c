"""The Starlette application of ``kttt serve``: the page and its API.

* ``GET /``: the page (Vietnamese, one column on a phone), which calls the API below as any client would;
* ``POST /api/check``: multipart ``file`` (the return), optional ``period`` (YYYY-Qn; default: the period being
  collected) → the verdict (``verdict.verdict_of``);
* ``POST /api/submit``: the same fields and ``key`` (the unit's sending key), optional ``send_with_warnings``
  (``1``: send a return whose verdict is ``needs_fix``) → the receipt, once the return is filed.

Each check runs in a child process of its own (``runner``: bounded in memory and time, so no upload can take the
server down), waited for in a worker thread (at most ``ServeSettings.checks`` at once), never on the event loop:
a slow upload or a long check never holds up another clerk's.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from zoneinfo import ZoneInfo

import anyio
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse
from starlette.routing import Route

from kttt_pipeline.core.periods import Period
from kttt_pipeline.submission import receipts
from kttt_pipeline.submission.filing import file_return
from kttt_pipeline.submission.keys import KeyStore
from kttt_pipeline.submission.page import page_html
from kttt_pipeline.submission.runner import CheckFailed, run_check
from kttt_pipeline.submission.settings import ServeSettings
from kttt_pipeline.submission.uploads import Upload, UploadRefused, receive_upload

#: the time a receipt is stamped in (the province's: the schedule's zone, orchestration/automation.py)
RECEIPT_ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
log = logging.getLogger(__name__)
#: what the clerk reads when the check itself failed (the reason is in the server's log, not on the page)
FAILED_VI = "máy chủ không kiểm tra được tệp này; hãy báo cho cơ quan tổng hợp (kèm thời gian gửi)"
#: the form values that mean "yes" for ``send_with_warnings``
YES = {"1", "true", "on", "yes", "co", "có"}


def _refused(status: int, reason_vi: str, **extra) -> JSONResponse:
    return JSONResponse({"error": reason_vi, **extra}, status_code=status)


def _period_of(upload: Upload) -> str | None:
    text = (upload.fields.get("period") or "").strip()
    if not text:
        return None
    try:
        return Period.parse(text).key
    except ValueError:
        raise UploadRefused(400, f"kỳ báo cáo '{text}' không đúng dạng YYYY-Qn (ví dụ 2025-Q4)") from None


def create_app(settings: ServeSettings) -> Starlette:
    limiter = anyio.CapacityLimiter(settings.checks)
    keys = KeyStore(settings.keys_file)
    filing_lock = threading.Lock()

    async def checked(upload: Upload) -> dict:
        period = _period_of(upload)
        return await anyio.to_thread.run_sync(
            run_check,
            upload.path,
            upload.name_sent,
            period,
            settings.raw_dir,
            settings.province,
            limiter=limiter,
        )

    async def page(request: Request) -> HTMLResponse:
        return HTMLResponse(page_html(), headers={"Content-Security-Policy": "default-src 'self' 'unsafe-inline'"})

    async def health(request: Request) -> JSONResponse:
        return JSONResponse({"ok": True})

    async def check(request: Request) -> JSONResponse:
        try:
            upload = await receive_upload(request, settings.max_upload_bytes)
        except UploadRefused as exc:
            return _refused(exc.status, exc.reason_vi)
        try:
            return JSONResponse(await checked(upload))
        except UploadRefused as exc:
            return _refused(exc.status, exc.reason_vi)
        except CheckFailed as exc:
            return _refused(422, exc.reason_vi)
        except Exception:  # noqa: BLE001  logged for the office; the clerk never sees the server's internals
            log.exception("check of an upload failed")
            return _refused(500, FAILED_VI)
        finally:
            upload.discard()

    def file_and_record(upload: Upload, answer: dict) -> dict:
        now = dt.datetime.now(RECEIPT_ZONE)
        with filing_lock:
            path = file_return(
                upload.path,
                settings.raw_dir,
                Period.parse(answer["period"]),
                answer["unit_code"],
                answer["sha256"],
                now,
            )
            receipt = receipts.Receipt(
                received_at=now.isoformat(timespec="seconds"),
                received_at_vi=f"{now:%H:%M:%S} ngày {now:%d/%m/%Y}",
                unit_code=answer["unit_code"],
                unit_name=answer["unit_name"],
                period=answer["period"],
                sha256=answer["sha256"],
                size=answer["size"],
                file_name=upload.name_sent,
                stored_as=path.relative_to(settings.raw_dir).as_posix(),
                verdict=answer["verdict"],
                problems=len(answer["problems"]),
            )
            receipts.record(settings.receipts_file, receipt)
        shown = receipt.as_json()
        shown["stored_as"] = path.name  # the clerk is shown the name, not the server's folders
        return shown

    async def submit(request: Request) -> JSONResponse:
        try:
            upload = await receive_upload(request, settings.max_upload_bytes)
        except UploadRefused as exc:
            return _refused(exc.status, exc.reason_vi)
        try:
            key_unit = keys.unit_of(upload.fields.get("key"))
            if key_unit is None:
                return _refused(
                    403, "mã gửi báo cáo không đúng hoặc đã bị thu hồi: liên hệ cơ quan tổng hợp để được cấp mã"
                )
            answer = await checked(upload)
            if answer["verdict"] == "rejected":
                return _refused(422, "tệp sẽ bị từ chối nên không được gửi: sửa theo kết quả kiểm tra", check=answer)
            if answer["unit_code"] != key_unit:
                return _refused(
                    403,
                    f"tệp là báo cáo của {answer['unit_name']} (mã {answer['unit_code']}), còn mã gửi đã nhập là của "
                    f"đơn vị mã {key_unit}: mỗi đơn vị chỉ gửi báo cáo của mình",
                    check=answer,
                )
            if answer["verdict"] == "needs_fix" and (upload.fields.get("send_with_warnings") or "").lower() not in YES:
                return _refused(
                    409,
                    "tệp còn dòng bị loại hoặc cột không được đọc: sửa rồi gửi lại, hoặc chọn gửi kèm cảnh báo",
                    check=answer,
                )
            receipt = await anyio.to_thread.run_sync(file_and_record, upload, answer)
            return JSONResponse({"filed": True, "receipt": receipt, "check": answer})
        except UploadRefused as exc:
            return _refused(exc.status, exc.reason_vi)
        except CheckFailed as exc:
            return _refused(422, exc.reason_vi)
        except Exception:  # noqa: BLE001  as above: nothing of the server's internals reaches the clerk
            log.exception("submission of an upload failed")
            return _refused(500, FAILED_VI)
        finally:
            upload.discard()

    return Starlette(
        routes=[
            Route("/", page),
            Route("/api/health", health),
            Route("/api/check", check, methods=["POST"]),
            Route("/api/submit", submit, methods=["POST"]),
        ]
    )
