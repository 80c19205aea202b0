"""The reporting pages, a module per part; `page_of` pages their long lists alike."""

from django.core.paginator import Paginator

PER_PAGE = 50


def page_of(request, items):
    """The page of `items` asked for (a bad number gives the first or last page), and the query
    string that keeps the other parameters in the pages' links."""
    query = request.GET.copy()
    query.pop("page", None)
    return Paginator(items, PER_PAGE).get_page(request.GET.get("page")), query.urlencode()
