"""gunicorn settings for Overleg: `make serve`, deploy/overleg.service.

Every setting can be changed from the environment (the systemd unit or the shell):
GUNICORN_BIND (else HOST:PORT, else 127.0.0.1:8000), GUNICORN_WORKERS (else 2 per core
plus one), GUNICORN_TIMEOUT (seconds one request may take: the vergaderstukken bundle of a
large meeting is the slowest page), GUNICORN_ACCESS_LOG ("-": standard output; "" for none).

The access log never holds a query string (searches carry names and case terms in ?q=) and
no Referer (a same-site referrer is a full URL with its query); the Server header names no
version (gunicorn sends "gunicorn").
"""

from __future__ import annotations

import os

_host = os.environ.get("HOST", "127.0.0.1")
_port = os.environ.get("PORT", "8000")
bind = os.environ.get("GUNICORN_BIND") or f"{_host}:{_port}"

# Sync workers, each one request at a time: PDF rendering holds the CPU, so processes
# rather than threads. (2 x cores) + 1, gunicorn's advice for a CPU-bound app.
workers = int(os.environ.get("GUNICORN_WORKERS") or 2 * (os.cpu_count() or 1) + 1)
worker_class = "sync"

# A request may take this long before its worker is replaced: the vergaderstukken bundle
# and the minutes' PDF/A export take seconds, never minutes (bench/agenda_pdf.py).
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "120"))
graceful_timeout = 30
# Sync workers close each connection after its response and need a buffering proxy in
# front (nginx, deploy/nginx-overleg.conf) so that a slow client does not hold a worker.

# Replace each worker now and then: memory from a large PDF is given back.
max_requests = 1000
max_requests_jitter = 100

# Request limits (gunicorn's defaults, written out): a long URL or many headers are refused.
limit_request_line = 4094
limit_request_fields = 100

accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# %(U)s is the path without its query string; no %(r)s (the request line) and no %(f)s
# (Referer). Remote address, time, method, path, protocol, status, bytes, seconds, agent.
access_log_format = '%(h)s - %(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(L)s "%(a)s"'

proc_name = "overleg"
# X-Forwarded-Proto is trusted from the proxy on this machine only (gunicorn's default);
# the app's TRUSTED_PROXIES decides about X-Forwarded-For (overleg/__init__.py).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
# No control socket: it would be made in $HOME (read-only under deploy/overleg.service) and
# shared by every gunicorn of the same user; systemctl reload (HUP) does what it is for.
control_socket_disable = True
