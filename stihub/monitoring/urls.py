from django.urls import path

from . import views

app_name = "monitoring"
urlpatterns = [
    path("", views.default, name="default"),
    path("resolutions/", views.resolutions, name="resolutions"),
    path("import/", views.import_view, name="import"),
    path("o/<int:pk>/revisions/", views.revisions, name="revisions"),
    path("r/<str:code>/", views.dashboard, name="dashboard"),
    path("r/<str:code>/data.<str:fmt>", views.resolution_data, name="resolution_data"),
    path("r/<str:code>/t/<str:target_code>/", views.target_detail, name="target"),
    path("r/<str:code>/t/<str:target_code>/data.<str:fmt>", views.target_data, name="target_data"),
]
