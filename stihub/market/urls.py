"""Pages of the technology market: the marketplace and listings, owners' pages, DOST's
moderation, import and export, connections (brokerage) with their report, events and fairs."""

from django.urls import path

from .views import connections, fairs, listings, moderation, transfer

app_name = "market"
urlpatterns = [
    # The marketplace and a listing's page (matches for its owner and DOST).
    path("", listings.market, name="market"),
    path("<int:pk>/", listings.detail, name="detail"),
    # Owners: submit, edit, renew, withdraw; judge matches.
    path("new/<str:kind>/", listings.new, name="new"),
    path("mine/", listings.mine, name="mine"),
    path("<int:pk>/edit/", listings.edit, name="edit"),
    path("<int:pk>/renew/", listings.renew, name="renew"),
    path("<int:pk>/withdraw/", listings.withdraw, name="withdraw"),
    path("<int:pk>/feedback/", listings.feedback, name="feedback"),
    # DOST: moderation, Excel import and export.
    path("moderation/", moderation.queue, name="moderation"),
    path("<int:pk>/moderate/", moderation.moderate, name="moderate"),
    path("import/", transfer.import_listings, name="import"),
    path("export.xlsx", transfer.export_listings, name="export"),
    # Brokerage: interest → contacts → meeting → negotiation → agreement or closed.
    path("<int:pk>/interest/", connections.interest, name="interest"),
    path("connections/", connections.connections, name="connections"),
    path("connections/<int:pk>/", connections.connection, name="connection"),
    path("connections/<int:pk>/step/", connections.step, name="connection_step"),
    path("connections/<int:pk>/broker/", connections.broker, name="connection_broker"),
    path("report/", connections.report, name="report"),
    # Supply–demand events and fairs.
    path("fairs/", fairs.fairs, name="fairs"),
    path("fairs/new/", fairs.fair_new, name="fair_new"),
    path("fairs/<int:pk>/", fairs.fair, name="fair"),
    path("fairs/<int:pk>/edit/", fairs.fair_edit, name="fair_edit"),
    path("fairs/<int:pk>/register/", fairs.register, name="fair_register"),
    path("fairs/<int:pk>/requests/", fairs.request_meeting, name="fair_request"),
    path("fairs/<int:pk>/schedule/", fairs.schedule, name="fair_schedule"),
    path("meetings/<int:pk>/", fairs.meeting, name="meeting"),
]
