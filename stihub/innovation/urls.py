from django.urls import path

from . import views

app_name = "innovation"
urlpatterns = [
    path("", views.datasets, name="datasets"),
    path("upload/", views.upload, name="upload"),
    path("<slug:code>/<int:year>/", views.ranking, name="ranking"),
    path("<slug:code>/<int:year>/results.xlsx", views.results_xlsx, name="results"),
    path("<slug:code>/<int:year>/workbook.xlsx", views.workbook, name="workbook"),
    path("<slug:code>/<int:year>/official/", views.official, name="official"),
    path("<slug:code>/<int:year>/publish/", views.publish_view, name="publish"),
    path("<slug:code>/<int:year>/u/<str:unit>/", views.profile, name="profile"),
    path("<slug:code>/<int:year>/u/<str:unit>/plan/", views.planner, name="planner"),
    path("<slug:code>/<int:year>/u/<str:unit>/edit/", views.edit, name="edit"),
]
