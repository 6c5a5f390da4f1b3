from django.urls import path

from . import views

app_name = "women_workers"

urlpatterns = [
    # Public: the hotline and the counselling timetable.
    path("", views.counselling, name="counselling"),
    path("counselling/<int:pk>/book/", views.book, name="book"),
    path("bookings/<int:pk>/", views.booking_detail, name="booking_detail"),
    path("bookings/<int:pk>/calendar.ics", views.booking_ics, name="booking_ics"),
    path("bookings/<int:pk>/cancel/", views.booking_cancel, name="booking_cancel"),
    path("bookings/<int:pk>/record/", views.booking_record, name="booking_record"),
    path("counsellor/", views.counsellor_home, name="counsellor_home"),
    path("arrangements/new/", views.arrangement_new, name="arrangement_new"),
    path("arrangements/mine/<int:pk>/", views.my_arrangement, name="my_arrangement"),
    path("arrangements/mine/<int:pk>/withdraw/", views.arrangement_withdraw, name="arrangement_withdraw"),
    path("arrangements/", views.arrangement_list, name="arrangement_list"),
    path("arrangements/on-behalf/", views.arrangement_on_behalf, name="arrangement_on_behalf"),
    path("arrangements/<int:pk>/", views.arrangement_detail, name="arrangement_detail"),
    path("arrangements/summary/", views.arrangement_summary, name="arrangement_summary"),
    path("crisis/", views.crisis_list, name="crisis_list"),
    path("families/", views.family_list, name="family_list"),
    path("families/new/", views.family_new, name="family_new"),
    path("families/<int:pk>/", views.family_detail, name="family_detail"),
    path("families/<int:pk>/needs/<int:need_pk>/solve/", views.need_solve, name="need_solve"),
    path("commendations/", views.commendation_list, name="commendation_list"),
    path("commendations/<int:pk>/review/", views.commendation_review, name="commendation_review"),
]
