"""The site's URLs plus ``/bench/bare-23k/``: a plain Django view rendering a
23 KB template with a small context through the full middleware stack: the
yardstick the issue compares signed-in pages with (≥ 50 % of its req/s)."""

from django.shortcuts import render
from django.urls import path

from lms.urls import urlpatterns as site_urlpatterns

ITEMS = [
    {
        "title": f"Smart city training session {i}",
        "city": ("Seoul", "Hanoi", "Nairobi", "Ulyanovsk", "Chengdu")[i % 5],
        "seats": 20 + i,
    }
    for i in range(24)
]


def bare_23k(request):
    return render(
        request, "bench/bare_23k.html", {"title": "Bare render", "items": ITEMS}
    )


urlpatterns = [path("bench/bare-23k/", bare_23k), *site_urlpatterns]
