"""CSRF protection for every form: a signed double-submit token, and the browser's own word on origin.

What it is for: each page with a form gets a random nonce in an HttpOnly cookie
(``handoff_csrf``) and a hidden ``csrf_token`` field holding that nonce and an
HMAC-SHA256 of it, bound to the session when there is one. A POST is accepted only
when the field's nonce equals the cookie's and the signature checks out (another site
can neither read the cookie nor sign a nonce it planted), and when the browser does not
say the request came from elsewhere (``Sec-Fetch-Site`` cross-site or same-site; from a
browser without it, an ``Origin`` that is not this site's). This is OWASP's "signed double-submit cookie",
small enough to test whole. Not for: sessions (auth.py).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Collection, Mapping
from urllib.parse import urlsplit

COOKIE = "handoff_csrf"
FIELD = "csrf_token"


def new_nonce() -> str:
    return secrets.token_urlsafe(16)


class Csrf:
    def __init__(self, secret: bytes) -> None:
        if len(secret) < 32:
            raise ValueError("the CSRF secret must be at least 32 bytes")
        self._secret = secret

    def _sign(self, nonce: str, binding: str) -> str:
        mac = hmac.new(self._secret, f"csrf|{nonce}|{binding}".encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(mac).decode("ascii").rstrip("=")

    def token(self, nonce: str, binding: str = "") -> str:
        """The hidden field's value for this cookie nonce (``binding``: the session, if any)."""
        return f"{nonce}.{self._sign(nonce, binding)}"

    def valid(self, cookie_nonce: str | None, field: str | None, binding: str = "") -> bool:
        if not cookie_nonce or not field or field.count(".") != 1:
            return False
        nonce, signature = field.split(".")
        return hmac.compare_digest(nonce, cookie_nonce) and hmac.compare_digest(signature, self._sign(nonce, binding))


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    default = {"http": 80, "https": 443}.get(parts.scheme)
    port = f":{parts.port}" if parts.port and parts.port != default else ""
    return f"{parts.scheme}://{(parts.hostname or '').lower()}{port}"


def from_elsewhere(headers: Mapping[str, str], own_origins: Collection[str]) -> bool:
    """True when the browser says the request was made by another site (absent headers say nothing)."""
    fetch_site = headers.get("sec-fetch-site", "").lower()
    if fetch_site:  # set by the browser itself, never by a page: the surest word there is
        return fetch_site not in ("same-origin", "none")
    origin = headers.get("origin")
    if origin is None:
        return False
    return origin == "null" or origin_of(origin) not in own_origins
