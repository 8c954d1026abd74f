"""The one pagination shape of every list: `page`, `page_size` in; items, total and page out."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from marshmallow import Schema, fields, validate

from app.db.paging import Page, PageRequest, page_of

F = TypeVar("F", bound=Callable[..., Any])

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
MAX_PAGE = 1_000_000


class PageQuerySchema(Schema):
    """Which page of the list (1-based) and how many rows per page."""

    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=MAX_PAGE))
    page_size = fields.Integer(
        load_default=DEFAULT_PAGE_SIZE, validate=validate.Range(min=1, max=MAX_PAGE_SIZE)
    )


def page_request(args: dict[str, Any]) -> PageRequest:
    """Take `page` and `page_size` out of parsed query arguments."""
    return PageRequest(page=args.pop("page"), page_size=args.pop("page_size"))


def page_schema(item: type[Schema] | Schema, name: str) -> type[Schema]:
    """The schema of one page of `item`s, documented as `name` (e.g. "AppointmentPage")."""
    return Schema.from_dict(
        {
            "items": fields.List(fields.Nested(item), required=True),
            "total": fields.Integer(
                required=True, metadata={"description": "Rows matching, on every page"}
            ),
            "page": fields.Integer(required=True),
            "page_size": fields.Integer(required=True),
        },
        name=f"{name}Schema",
    )


def paged(
    blp: Any, item: type[Schema] | Schema, name: str, *, query: type[Schema] = PageQuerySchema
) -> Callable[[F], F]:
    """Serve a short list (a client's cards, a clinic's copays) as one page of the one shape.

    Parses `query` (a PageQuerySchema) from the query string; the view gets its other
    arguments only when `query` is a subclass, and may return a list (paged here) or a Page.
    """
    if not issubclass(query, PageQuerySchema):
        raise TypeError(f"{query.__name__} must extend PageQuerySchema")
    takes_query = query is not PageQuerySchema

    def decorator(view: F) -> F:
        @wraps(view)
        def listing(self: Any, args: dict[str, Any], *rest: Any, **kwargs: Any) -> Any:
            paging = page_request(args)
            found = (
                view(self, args, *rest, **kwargs) if takes_query else view(self, *rest, **kwargs)
            )
            return found if isinstance(found, Page) else page_of(found, paging)

        documented = blp.response(200, page_schema(item, name))(listing)
        return cast(F, blp.arguments(query, location="query")(documented))

    return decorator
