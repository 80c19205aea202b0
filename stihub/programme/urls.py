from django.urls import path

from . import views

app_name = "programme"
urlpatterns = [
    path("", views.items, name="items"),
    path("items.<str:fmt>", views.items_export, name="export"),
    path("new/", views.item_create, name="create"),
    path("load/", views.load, name="load"),
    path("<int:pk>/", views.item_detail, name="item"),
    path("<int:pk>/edit/", views.item_edit, name="edit"),
    path("<int:pk>/update/", views.add_update, name="add_update"),
    path("evidence/<int:pk>/", views.evidence, name="evidence"),
]
