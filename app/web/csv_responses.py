"""CSV answers: streamed line by line, safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from flask import Response, request, stream_with_context

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_CONTENT = {"text/csv": {"schema": {"type": "string"}}}


def csv_cell(value: object) -> object:
    """A CSV cell; text a spreadsheet would run as a formula is quoted with a leading '."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return f"'{value}"
    return value


def csv_lines(header: Sequence[str], rows: Iterable[Sequence[object]]) -> Iterator[str]:
    """The CSV text of a header and rows, one line at a time."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([csv_cell(value) for value in header])
    yield buffer.getvalue()
    for values in rows:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow([csv_cell(value) for value in values])
        yield buffer.getvalue()


def wants_csv(args: dict[str, Any]) -> bool:
    """True when the caller asked for CSV (`?format=csv` or `Accept: text/csv`)."""
    accepted = request.accept_mimetypes
    return args.get("format") == "csv" or (
        accepted.best_match(["application/json", "text/csv"]) == "text/csv"
    )


def csv_response(
    filename: str, header: Sequence[str], rows: Iterable[Sequence[object]]
) -> Response:
    """A streamed CSV attachment."""
    return Response(
        stream_with_context(csv_lines(header, rows)),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
