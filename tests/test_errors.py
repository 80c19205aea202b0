"""Error pages (400, 403, 404, 500) are the platform's own: styled, Vietnamese, no traceback."""

import pytest
from django.test import Client
from django.urls import path

from stihub.urls import urlpatterns as project_urls


def broken(request):
    raise RuntimeError("secret internals /work/main/stihub")


urlpatterns = [*project_urls, path("broken/", broken)]

STYLESHEET = "css/stihub.css"


@pytest.fixture
def production(settings):
    settings.DEBUG = False


@pytest.mark.urls(__name__)
def test_500_is_a_styled_vietnamese_page_without_traceback(production, db):
    response = Client(raise_request_exception=False).get("/broken/")
    page = response.content.decode()
    assert response.status_code == 500
    assert STYLESHEET in page and "Lỗi máy chủ" in page
    assert "Traceback" not in page and "secret internals" not in page and "RuntimeError" not in page


def test_404_is_styled_and_vietnamese(production, client, db):
    response = client.get("/monitoring/r/NOPE/")
    page = response.content.decode()
    assert response.status_code == 404
    assert STYLESHEET in page and "Không tìm thấy trang" in page and "Traceback" not in page


def test_403_is_styled_and_vietnamese(production, client_for):
    response = client_for("reporter").get("/monitoring/import/")
    page = response.content.decode()
    assert response.status_code == 403
    assert STYLESHEET in page and "Không có quyền truy cập" in page


def test_csrf_failure_is_explained_in_vietnamese(production, db):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"username": "x", "password": "y"})
    assert response.status_code == 403
    assert "Biểu mẫu đã hết hạn" in response.content.decode()
