"""Known errors → kttt's own reason, in Vietnamese, and the command's exit status.

The mapping is data, ``vocab/known_errors.csv`` (one row per known error, the first that matches wins): ``source``
says where a row applies (``argparse``: the command line's own messages; ``run``: an error while a command runs,
matched against every exception of its chain, e.g. the driver's error under SQLAlchemy's and Dagster's;
``any``: both), ``exception`` the class name an exception must have (empty: any), ``pattern`` a regular
expression searched in its message (case-insensitive; its named groups fill the message), ``exit_code`` the
command's status (docs/deployment.md, "Exit status"), ``message_vi`` the reason, with ``{database}`` (the
warehouse URL, password masked), ``{path}`` (the file or folder the error names) and the pattern's groups.

An exception is seen either live or as Dagster recorded it (a ``SerializableErrorInfo`` of a failed step); both
become :class:`Link` chains. Nothing here prints: the CLI does.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from kttt_pipeline.core.secrets import masked_url, redact

#: kttt's own exceptions whose message already is the Vietnamese reason (shown as it is)
OWN_ERRORS = ("PublishFailed",)
#: exit status of a command that failed for a reason not known here
UNKNOWN_EXIT = 1
_NO_PATH = "(không rõ đường dẫn)"
_NO_DATABASE = "(kho dữ liệu)"
_QUOTED = re.compile(r"'([^']+)'")


@dataclass(frozen=True)
class KnownError:
    key: str
    source: str
    exception: str
    pattern: re.Pattern
    exit_code: int
    message_vi: str


@dataclass(frozen=True)
class Link:
    """One exception of a chain: its class names (the class and its bases), its message, the file it names."""

    classes: tuple[str, ...]
    message: str
    filename: str | None = None


@dataclass(frozen=True)
class Explained:
    key: str
    message_vi: str
    exit_code: int
    detail: str = ""  # the first line of the error matched, password masked (for the operator)


@lru_cache(maxsize=1)
def known_errors() -> tuple[KnownError, ...]:
    with resources.files("kttt_pipeline.vocab").joinpath("known_errors.csv").open(encoding="utf-8") as fh:
        return tuple(
            KnownError(
                r["key"],
                r["source"],
                r["exception"],
                re.compile(r["pattern"], re.IGNORECASE),
                int(r["exit_code"]),
                r["message_vi"],
            )
            for r in csv.DictReader(fh)
        )


def exception_chain(exc: BaseException | None) -> list[Link]:
    """A live exception and its causes (``raise … from``) and contexts, outermost first."""
    out: list[Link] = []
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        filename = getattr(exc, "filename", None)
        out.append(
            Link(
                tuple(c.__name__ for c in type(exc).__mro__), str(exc), str(filename) if filename is not None else None
            )
        )
        exc = exc.__cause__ or (None if exc.__suppress_context__ else exc.__context__)
    return out


def error_info_chain(err) -> list[Link]:
    """Dagster's record of an error (``SerializableErrorInfo``: cls_name, message, cause, context), outermost
    first; a message "module.Class: text" is kept as its text."""
    out: list[Link] = []
    while err is not None and len(out) < 50:
        message = (err.message or "").strip()
        prefix = f"{err.cls_name}: " if err.cls_name else None
        if prefix and prefix in message.split("\n", 1)[0]:
            message = message.split(prefix, 1)[1]
        out.append(Link((err.cls_name or "",), message))
        err = getattr(err, "cause", None) or getattr(err, "context", None)
    return out


def _fill(row: KnownError, link: Link, match: re.Match, database: str | None) -> str:
    fields = {k: v for k, v in match.groupdict().items() if v is not None}
    if "path" not in fields:
        quoted = _QUOTED.findall(link.message)
        fields["path"] = f"'{link.filename}'" if link.filename else (f"'{quoted[-1]}'" if quoted else _NO_PATH)
    fields["database"] = masked_url(database) if database else _NO_DATABASE
    if "inner" in fields:
        fields["inner"] = translate_argparse(fields["inner"])
    return row.message_vi.format_map(_Keep(fields))


class _Keep(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _first_line(text: str) -> str:
    lines = [ln.strip() for ln in text.strip().splitlines() if ln.strip()]
    return lines[0] if lines else ""


def explain(chain: list[Link], *, database: str | None = None, source: str = "run") -> Explained | None:
    """kttt's reason for the error ``chain`` (the first row of the mapping that matches any of its exceptions),
    or None when it is not a known error. ``database``: the warehouse URL the command used (shown masked)."""
    matched: Explained | None = None
    for row in known_errors():
        if row.source not in (source, "any"):
            continue
        for link in chain:
            if row.exception and row.exception not in link.classes:
                continue
            m = row.pattern.search(link.message)
            if m:
                matched = Explained(
                    row.key,
                    redact(_fill(row, link, m, database), database or ""),
                    row.exit_code,
                    redact(_first_line(link.message), database or ""),
                )
                break
        if matched is not None:
            break
    own = next((link for link in chain if set(link.classes) & set(OWN_ERRORS)), None)
    if own is not None:  # kttt's own reason, with the status of what caused it
        return Explained(
            own.classes[0],
            redact(_first_line(own.message), database or ""),
            matched.exit_code if matched else UNKNOWN_EXIT,
            matched.detail if matched else "",
        )
    return matched


def translate_argparse(message: str) -> str:
    """argparse's (English) error message in Vietnamese, naming the argument; unknown messages stay as they are
    (an ``ArgumentTypeError`` of kttt's own, or a known run error such as a period's format, is translated too)."""
    explained = explain([Link(("ArgumentError", "ValueError"), message)], source="argparse")
    return explained.message_vi if explained is not None else message
