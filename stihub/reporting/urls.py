from django.urls import path

from .views import entry, home, indicators, reminders, review, upload

app_name = "reporting"
urlpatterns = [
    path("", home.home, name="home"),
    path("enter/<str:indicator>/<int:year>/", entry.enter, name="enter"),
    path("enter/<str:indicator>/<int:year>/<str:period>/", entry.enter, name="enter_period"),
    path("template.xlsx", upload.template, name="template"),
    path("upload/", upload.upload, name="upload"),
    path("upload/<int:pk>/", upload.preview, name="preview"),
    path("submissions/<int:pk>/", review.submission, name="submission"),
    path("review/", review.queue, name="review"),
    path("indicators/", indicators.indicator_list, name="indicators"),
    path("indicators/<str:code>/", indicators.indicator_edit, name="indicator"),
    path("reminders/", reminders.sent, name="reminders"),
]
