"""The web home for handoffs: sign-in by emailed link, the list, search, each handoff, the metrics.

What it is for: ``create_app`` (the ASGI application over a running ``App``),
``WebServer`` (uvicorn on the running loop, for ``handoff serve``) and ``run_web``
(``handoff web``). Modules: access (who sees what), auth (links, sessions, limits),
csrf, context (shared request helpers), signin and pages (routes), history (versions
and their differences), plots (SVG with matplotlib), backend (every call into the
rest of handoff), server. Templates live in templates/web/. Not for: anything that
changes a handoff — the pages only read, and the only mail they send is a sign-in link.
"""

from agent.web.app import create_app
from agent.web.server import WebServer, run_web

__all__ = ["WebServer", "create_app", "run_web"]
