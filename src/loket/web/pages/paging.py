"""Paging of long lists on staff pages: which slice a page shows, and links to the pages before
and after that keep the reader's filters."""

from dataclasses import dataclass
from urllib.parse import urlencode

from fastapi import Request

# Far beyond any real list; keeps a typed-in page number from overflowing a query.
MAX_PAGE = 100_000


def page_number(request: Request) -> int:
    """The page asked for in `?page=`, counted from 1; 1 when absent or not a number."""
    asked = request.query_params.get("page", "")
    return min(int(asked), MAX_PAGE) if asked.isdigit() and int(asked) > 0 else 1


@dataclass(frozen=True)
class Paging:
    page: int
    pages: int
    size: int
    total: int

    @classmethod
    def of(cls, total: int, page: int, size: int) -> "Paging":
        pages = max(1, -(-total // size))
        return cls(min(page, pages), pages, size, total)

    @property
    def start(self) -> int:
        return (self.page - 1) * self.size

    @property
    def end(self) -> int:
        return min(self.start + self.size, self.total)

    def link(self, request: Request, page: int) -> str:
        """The address of `page` of this list, with the same filters."""
        query = [(k, v) for k, v in request.query_params.multi_items() if k != "page"]
        query.append(("page", str(page)))
        return f"{request.url.path}?{urlencode(query)}"
