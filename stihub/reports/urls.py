from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("", views.report_list, name="list"),
    path("<int:pk>/file/", views.download, name="download"),
    path("templates/", views.templates, name="templates"),
    path("templates/<slug:key>.docx", views.bundled, name="bundled"),
]
