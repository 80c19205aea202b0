"""Pages of S&T tasks: the public register, applicants' dossiers, council members' inbox and
DOST's board, councils and regulation profiles."""

from django.urls import path

from .views import applicants, board, conflicts, councils, inbox, profiles, public

app_name = "tasks"
urlpatterns = [
    # The public register and a task's page (what the viewer may see of it).
    path("", public.register, name="register"),
    path("<int:pk>/", public.detail, name="detail"),
    # Applicants: proposals (đề xuất đặt hàng) and dossiers (hồ sơ).
    path("propose/", applicants.propose, name="propose"),
    path("mine/", applicants.mine, name="mine"),
    path("<int:pk>/apply/", applicants.apply, name="apply"),
    path("dossiers/<int:pk>/", applicants.dossier, name="dossier"),
    path("dossiers/<int:pk>/edit/", applicants.dossier_edit, name="dossier_edit"),
    path("dossiers/<int:pk>/files/", applicants.dossier_file, name="dossier_file"),
    path("dossiers/<int:pk>/submit/", applicants.dossier_submit, name="dossier_submit"),
    path("files/<int:pk>/", applicants.file, name="file"),
    # Council members.
    path("inbox/", inbox.inbox, name="inbox"),
    path("seats/<int:pk>/declare/", inbox.declare, name="declare"),
    path("reviews/<int:pk>/", inbox.review, name="review"),
    # DOST.
    path("board/", board.board, name="board"),
    path("<int:pk>/advance/", board.advance, name="advance"),
    path("<int:pk>/records/", board.record, name="record"),
    path("dossiers/<int:pk>/check/", board.dossier_check, name="dossier_check"),
    path("past/import/", board.past_import, name="past_import"),
    path("conflicts/", conflicts.conflicts, name="conflicts"),
    path("<int:pk>/councils/<str:kind>/new/", councils.new, name="council_new"),
    path("councils/<int:pk>/", councils.council, name="council"),
    path("councils/<int:pk>/assign/", councils.assign, name="council_assign"),
    path("councils/<int:pk>/replace/<int:member>/", councils.replace, name="council_replace"),
    path("councils/<int:pk>/conclude/", councils.conclude, name="council_conclude"),
    path("councils/<int:pk>/minutes.docx", councils.minutes, name="minutes"),
    path("profiles/", profiles.profiles, name="profiles"),
    path("profiles/new/", profiles.new, name="profile_new"),
    path("profiles/<int:pk>/", profiles.profile, name="profile"),
]
