from django.urls import path

from . import views, views_elections, views_screening

app_name = "organizing"

urlpatterns = [
    path("", views.join, name="join"),
    path("apply/<int:step>/", views.apply, name="apply"),
    path("applications/<int:pk>/withdraw/", views.application_withdraw, name="application_withdraw"),
    path("card/", views.my_card, name="my_card"),
    path("card/<int:pk>/", views.card, name="card"),
    path("transfer/", views.transfer, name="transfer"),
    path("leave/", views.leave, name="leave"),
    path("verify/<str:token>/", views.verify, name="verify"),
    # staff
    path("console/applications/", views.application_list, name="application_list"),
    path("console/applications/<int:pk>/", views.application_detail, name="application_detail"),
    path("console/members/", views.member_list, name="member_list"),
    path("console/members/<int:pk>/", views.member_detail, name="member_detail"),
    path("console/catch-all/", views.catch_all_list, name="catch_all_list"),
    path("console/census/", views_screening.census_list, name="census_list"),
    path("console/census/template.xlsx", views_screening.census_template, name="census_template"),
    path("console/census/<int:pk>/", views_screening.census_detail, name="census_detail"),
    path("console/without-union/", views_screening.unorganized_list, name="unorganized_list"),
    path("console/without-union/<int:pk>/plan/", views_screening.plan_edit, name="plan_edit"),
    path("console/plans/", views_screening.plan_list, name="plan_list"),
    path("console/coverage/", views_screening.coverage, name="coverage"),
    path("console/members/import/", views_elections.member_import, name="member_import"),
    path("console/members/template.xlsx", views_elections.member_template, name="member_template"),
    path("console/elections/", views_elections.election_list, name="election_list"),
    path("console/elections/<int:pk>/", views_elections.election_union, name="election_union"),
    path("console/social-workers/", views_elections.social_worker_list, name="social_worker_list"),
    path("console/social-workers/<int:pk>/review/", views_elections.social_worker_review,
         name="social_worker_review"),
]
