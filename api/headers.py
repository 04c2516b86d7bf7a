"""Security headers on every answer, set in one place (pure ASGI: no per-route code can forget them).

Answers carry client data (matches, intakes) and tokens (/auth/*): none may be cached. Pages may not
be framed by another site and run only the service's own scripts (no inline script, no CDN).
"""
from __future__ import annotations

# The pages load scripts and styles from the service only; Leaflet sets inline styles on its map
# elements, and its images are served by the service or written as data: URIs.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
       "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
ALWAYS = {"x-content-type-options": "nosniff", "x-frame-options": "DENY", "referrer-policy": "no-referrer"}
# Static code and styles may be revalidated by the browser; everything else is client data or a page.
STATIC_PREFIXES = ("/web/", "/vendor/")
# FastAPI's own interactive docs load Swagger UI with an inline script: leave their policy alone.
OWN_POLICY = ("/docs", "/redoc")


def headers_for(path: str) -> dict[str, str]:
    out = dict(ALWAYS)
    out["cache-control"] = "no-cache" if path.startswith(STATIC_PREFIXES) else "no-store"
    if not path.startswith(OWN_POLICY):
        out["content-security-policy"] = CSP
    return out


class SecurityHeaders:
    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        extra = headers_for(scope.get("path", ""))

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                names = {k.lower() for k, _ in message.get("headers", [])}
                message["headers"] = list(message.get("headers", [])) + [
                    (k.encode(), v.encode()) for k, v in extra.items() if k.encode() not in names]
            await send(message)

        await self.app(scope, receive, send_with_headers)
