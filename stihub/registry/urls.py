"""The registries' pages, under /registry/. `<registry>` is one of `registries.REGISTRIES`
(experts, organizations, enterprises, ip, infrastructure); any other answers 404."""

from django.urls import path

from .views import io, lists, privacy, records, series

app_name = "registry"
urlpatterns = [
    path("", lists.home, name="home"),
    path("access-log/", privacy.access_log, name="access_log"),
    path("duplicates/", privacy.duplicates, name="duplicates"),
    path("duplicates/<int:pk>/merge/", privacy.merge, name="merge"),
    path("series/", series.series, name="series"),
    path("experts/<int:pk>/consent/", privacy.consent, name="consent"),
    path("experts/<int:pk>/data.json", privacy.person_export, name="person_export"),
    path("experts/<int:pk>/erase/", privacy.erase, name="erase"),
    path("<slug:registry>/", lists.listing, name="list"),
    path("<slug:registry>/export.<str:fmt>", io.export, name="export"),
    path("<slug:registry>/template.xlsx", io.template, name="template"),
    path("<slug:registry>/import/", io.import_file, name="import"),
    path("<slug:registry>/new/", records.create, name="create"),
    path("<slug:registry>/<int:pk>/", records.detail, name="detail"),
    path("<slug:registry>/<int:pk>/edit/", records.edit, name="edit"),
]
