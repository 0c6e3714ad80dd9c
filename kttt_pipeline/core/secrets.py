"""The warehouse URL as it may be shown: its password masked, wherever a URL is printed, logged, stored in
metadata or shown in the UI (docs/deployment.md, "Secrets")."""

from __future__ import annotations

import re

#: what stands for a password (SQLAlchemy's own mask)
MASK = "***"

# scheme://user:password@host…: the password of any URL in a text (also one SQLAlchemy cannot parse)
_USERINFO = re.compile(r"(?P<head>\b[A-Za-z][A-Za-z0-9+.\-]*://[^\s/@:'\"]*:)(?P<password>[^\s/'\"]*)(?P<at>@)")
# libpq's keyword form (password=… in a connection string)
_KEYWORD = re.compile(r"(?P<head>\bpassword\s*=\s*)(?P<password>'[^']*'|\S+)", re.IGNORECASE)


def masked_url(url: object) -> str:
    """``url`` (a string or a SQLAlchemy ``URL``) with its password replaced by ``***``
    (``URL.render_as_string(hide_password=True)``); a text SQLAlchemy cannot parse is masked all the same."""
    from sqlalchemy.engine import URL, make_url

    if isinstance(url, URL):
        return redact(url.render_as_string(hide_password=True))
    text = str(url)
    try:
        text = make_url(text).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - a malformed URL: masked by pattern
        pass
    return redact(text)  # also an '@' the password kept unencoded (SQLAlchemy then takes part of it for the host)


def redact(text: str, *urls: object) -> str:
    """``text`` with every password it carries masked: those of the ``urls`` given (wherever they appear, e.g. in
    a driver's message) and those of any ``scheme://user:password@`` or ``password=…`` in it."""
    from sqlalchemy.engine import URL, make_url

    for url in urls:
        try:
            password = (url if isinstance(url, URL) else make_url(str(url))).password
        except Exception:  # noqa: BLE001
            password = None
        if password:
            text = text.replace(str(password), MASK)
    text = _USERINFO.sub(lambda m: m["head"] + (MASK if m["password"] else "") + m["at"], text)
    return _KEYWORD.sub(lambda m: m["head"] + MASK, text)
