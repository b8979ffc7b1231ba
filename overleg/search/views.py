"""The search page: topics, decisions and minutes the reader may read, ranked, per kind.

The terms travel in ``?q=`` (a bookmarkable GET form); the access log never holds the query
string (gunicorn.conf.py, deploy/nginx-overleg.conf). Every rule is in overleg.domain.search
and the read policy; a refused search is the page again with a Dutch message and status 400."""

from __future__ import annotations

from flask import render_template, request

from ..access import access, current_person
from ..audit import log_shown
from ..domain import search as ds
from ..domain.input import one_line
from . import bp

# per kind on the overview; one kind alone (``soort=``) pages by ds.PAGE_SIZE
OVERVIEW_SIZE = 5


@bp.route("/zoeken")
@access("login")
def index():
    raw = one_line(request.args.get("q"), ds.MAX_LENGTH + 1)
    kind = request.args.get("soort") or ""
    if kind not in ds.KINDS:
        kind = ""
    error = None
    results: list[ds.Results] = []
    if raw:
        try:
            query = ds.parse(raw)
            page = ds.page_number(request.args.get("pagina")) if kind else 1
        except ds.SearchError as exc:
            error = str(exc)
        else:
            kinds = [kind] if kind else list(ds.KINDS)
            size = ds.PAGE_SIZE if kind else OVERVIEW_SIZE
            results = [ds.KINDS[k](current_person(), query, page=page, size=size) for k in kinds]
    html = render_template(
        "search/index.html",
        q=raw,
        kind=kind,
        error=error,
        results=results,
        labels=ds.KIND_LABELS,
        page_size=ds.PAGE_SIZE,
    )
    log_shown(ds.casus_shown(results), object_type="search")
    return html, 400 if error else 200
