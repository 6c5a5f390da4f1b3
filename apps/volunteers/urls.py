from django.urls import path

from . import views

app_name = "volunteers"

urlpatterns = [
    path("", views.landing, name="landing"),
    path("activities/", views.activity_list, name="activity_list"),
    path("activities/<int:pk>/", views.activity_detail, name="activity_detail"),
    path("activities/<int:pk>/signup/", views.signup, name="signup"),
    path("wishes/", views.wish_list, name="wish_list"),
    path("wishes/<int:pk>/", views.wish_detail, name="wish_detail"),
    path("wishes/<int:pk>/claim/", views.wish_claim, name="wish_claim"),
    path("wishes/<int:pk>/release/", views.wish_donor_action, {"action": "release"}, name="wish_release"),
    path("wishes/<int:pk>/fulfil/", views.wish_donor_action, {"action": "fulfil"}, name="wish_fulfil"),
    path("leaderboard/", views.leaderboard, name="leaderboard"),
    path("register/", views.register, name="register"),
    path("signups/<int:pk>/cancel/", views.cancel, name="cancel"),
    path("signups/<int:pk>/checkout/", views.check_out, name="check_out"),
    path("checkin/<str:token>/", views.scan, name="scan"),
    path("me/hours/", views.my_hours, name="my_hours"),
    path("me/certificate/", views.certificate, name="certificate"),
    path("me/claims/", views.my_claims, name="my_claims"),
    path("console/volunteers/", views.console_volunteers, name="console_volunteers"),
    path("console/volunteers/<int:pk>/decide/", views.volunteer_decide, name="volunteer_decide"),
    path("console/activities/", views.console_activities, name="console_activities"),
    path("console/activities/new/", views.activity_create, name="activity_create"),
    path("console/activities/<int:pk>/", views.activity_checkin, name="activity_checkin"),
    path("console/signups/<int:pk>/checkin/", views.roster_action, {"action": "checkin"}, name="roster_checkin"),
    path("console/signups/<int:pk>/hours/", views.roster_action, {"action": "hours"}, name="roster_hours"),
    path("console/wishes/", views.console_wishes, name="console_wishes"),
    path("console/wishes/new/", views.wish_create, name="wish_create"),
    path("console/wishes/<int:pk>/", views.console_wish, name="console_wish"),
]
