"""Serve the workshop page on the loopback interface, one page session per browser tab, all
sharing one `Workshop` (its warm workers and its cache)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import panel as pn

from sim.workshop.engine import Workshop
from sim.workshop.page import app

HOST = "127.0.0.1"  # loopback only: the page is never reachable from another machine


def start(workshop: Workshop, port: int = 0, out: str | Path | None = None) -> tuple[Any, str]:
    """Start serving (non-blocking) on 127.0.0.1:`port` (0: a free port); returns the Bokeh
    server and the page's URL. Stop it with `server.stop()`."""

    def page() -> Any:
        return app(workshop, out)

    server = pn.serve(
        {"/": page},
        port=port,
        address=HOST,
        websocket_origin=[HOST, "localhost"],  # the bound port is appended
        show=False,
        start=False,
        threaded=False,
        title=f"minsim workshop: {workshop.base.loaded.scenario.name}",
    )
    server.start()
    return server, f"http://{HOST}:{server.port}/"


def serve(
    workshop: Workshop,
    port: int = 0,
    out: str | Path | None = None,
    ready: Callable[[str], None] | None = None,
) -> None:
    """Serve until interrupted; `ready(url)` is called once the page is reachable."""
    server, url = start(workshop, port, out)
    if ready is not None:
        ready(url)
    try:
        server.io_loop.start()
    finally:
        server.stop()
