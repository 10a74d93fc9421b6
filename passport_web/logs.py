"""Structured logs (one JSON object per line) without personal data or secrets.

Requests are logged by their route *pattern* (``/s/<share_id>``), never the concrete path or
query, so share ids, names in search queries and tokens never reach the log. Only the fields
listed in ``SAFE_FIELDS`` pass from ``extra=`` into a record.
"""

from __future__ import annotations

import json
import logging
import sys
import time

from flask import Flask, g, request

SAFE_FIELDS = ("service", "request_id", "method", "route", "status", "duration_ms", "event",
               "count", "incident")


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {"time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
                 "level": record.levelname.lower(), "logger": record.name,
                 "message": record.getMessage()}
        for name in SAFE_FIELDS:
            if hasattr(record, name):
                entry[name] = getattr(record, name)
        if record.exc_info:
            entry["error"] = record.exc_info[0].__name__ if record.exc_info[0] else None
            entry["trace"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


def configure_logging(level: str = "INFO") -> None:
    root = logging.getLogger("passport")
    if any(isinstance(h.formatter, JsonFormatter) for h in root.handlers):
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    root.addHandler(handler)
    root.setLevel(level)
    root.propagate = False


def log_requests(app: Flask, service: str) -> None:
    access = logging.getLogger(f"passport.{service}.access")

    @app.before_request
    def _start() -> None:
        g.request_started = time.perf_counter()

    @app.after_request
    def _log(response):
        started = getattr(g, "request_started", None)
        rule = request.url_rule.rule if request.url_rule else "(no route)"
        access.info("request", extra={
            "service": service, "request_id": getattr(g, "request_id", ""),
            "method": request.method, "route": rule, "status": response.status_code,
            "duration_ms": round((time.perf_counter() - started) * 1000, 1) if started else None})
        response.headers.setdefault("X-Request-Id", getattr(g, "request_id", ""))
        return response
