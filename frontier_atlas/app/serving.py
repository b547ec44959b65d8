"""What the server adds to every answer when ``make run`` starts it (``serve.py``, issue 15).

Streamlit has no setting for response headers, but its ``st.App`` takes ASGI middleware
(a documented hook), and ``streamlit run serve.py`` serves the same app through it.
Two things, neither of which a page can do for itself:

- no other site may frame the app (clickjacking Pin and Delete): ``Content-Security-Policy:
  frame-ancestors 'self'`` and, for older browsers, ``X-Frame-Options: SAMEORIGIN``;
- ``/_stcore/metrics`` (session counts) answers this machine only.

``streamlit run app.py`` still works, without them (README, "Running it for others").
"""

from __future__ import annotations

import ipaddress
from typing import Any, Awaitable, Callable

Scope = dict[str, Any]
Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

FRAME_HEADERS = ((b"content-security-policy", b"frame-ancestors 'self'"), (b"x-frame-options", b"SAMEORIGIN"))
LOCAL_ONLY = ("/_stcore/metrics",)


def _is_local(scope: Scope) -> bool:
    client = scope.get("client")
    if not client:
        return False
    try:
        return ipaddress.ip_address(client[0]).is_loopback
    except ValueError:
        return False  # a unix socket's peer or a name: not known to be this machine


class HardeningHeaders:
    """ASGI middleware: the frame headers on every HTTP answer, local-only paths refused."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":  # the websocket and lifespan pass as they are
            await self.app(scope, receive, send)
            return
        if scope.get("path", "").endswith(LOCAL_ONLY) and not _is_local(scope):
            await send({"type": "http.response.start", "status": 403,
                        "headers": [(b"content-type", b"text/plain"), *FRAME_HEADERS]})
            await send({"type": "http.response.body", "body": b"Forbidden\n"})
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {name.lower() for name, _ in message.get("headers", [])}
                message["headers"] = [*message.get("headers", []),
                                      *(h for h in FRAME_HEADERS if h[0] not in names)]
            await send(message)

        await self.app(scope, receive, send_with_headers)
