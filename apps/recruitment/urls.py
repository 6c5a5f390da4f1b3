from django.urls import path

from . import views

app_name = "recruitment"

urlpatterns = [
    # public
    path("", views.job_list, name="job_list"),
    path("<int:pk>/", views.job_detail, name="job_detail"),
    path("fairs/", views.fair_list, name="fair_list"),
    path("fairs/<int:pk>/", views.fair_detail, name="fair_detail"),
    # seekers
    path("<int:pk>/apply/", views.job_apply, name="job_apply"),
    path("<int:pk>/save/", views.job_save, name="job_save"),
    path("me/profile/", views.seeker_profile, name="seeker_profile"),
    path("me/applications/", views.my_applications, name="my_applications"),
    path("me/applications/<int:pk>/", views.application_detail, name="application_detail"),
    path("me/applications/<int:pk>/withdraw/", views.application_withdraw, name="application_withdraw"),
    path("me/matches/", views.my_matches, name="my_matches"),
    path("me/saved/", views.saved_jobs, name="saved_jobs"),
    path("me/searches/", views.saved_searches, name="saved_searches"),
    path("me/searches/save/", views.search_save, name="search_save"),
    path("me/searches/<int:pk>/update/", views.search_update, name="search_update"),
    path("me/profile/resume/remove/", views.resume_remove, name="resume_remove"),
    path("me/searches/<int:pk>/delete/", views.search_delete, name="search_delete"),
    path("interviews/<int:pk>/respond/", views.interview_respond, name="interview_respond"),
    path("interviews/<int:pk>/calendar.ics", views.interview_ics, name="interview_ics"),
    # employers
    path("employer/register/", views.employer_register, name="employer_register"),
    path("employer/", views.employer_home, name="employer_home"),
    path("employer/posts/new/", views.post_create, name="post_create"),
    path("employer/posts/<int:pk>/edit/", views.post_edit, name="post_edit"),
    path("employer/posts/<int:pk>/copy/", views.post_action, {"action": "copy"}, name="post_copy"),
    path("employer/posts/<int:pk>/close/", views.post_action, {"action": "close"}, name="post_close"),
    path("employer/posts/<int:pk>/submit/", views.post_action, {"action": "submit"}, name="post_submit"),
    path("employer/posts/<int:pk>/video/remove/", views.post_video_remove, name="post_video_remove"),
    path("employer/posts/<int:pk>/applicants/", views.employer_applicants, name="employer_applicants"),
    path("employer/posts/<int:pk>/candidates/", views.employer_candidates, name="employer_candidates"),
    path("employer/applications/<int:pk>/", views.employer_application, name="employer_application"),
    path("employer/applications/<int:pk>/move/", views.employer_application_move, name="employer_application_move"),
    path("employer/fairs/<int:pk>/", views.employer_fair, name="employer_fair"),
    # union staff
    path("console/posts/", views.console_posts, name="console_posts"),
    path("console/posts/new/", views.console_post_create, name="console_post_create"),
    path("console/posts/<int:pk>/review/", views.console_post_review, name="console_post_review"),
    path("console/posts/<int:pk>/candidates/", views.console_post_candidates, name="console_post_candidates"),
    path("console/seekers/", views.console_seekers, name="console_seekers"),
    path("console/seekers/<int:pk>/", views.console_seeker, name="console_seeker"),
    path("console/employers/", views.console_employers, name="console_employers"),
    path("console/employers/<int:pk>/verify/", views.console_employer_verify, name="console_employer_verify"),
    path("console/matches/", views.console_matches, name="console_matches"),
    path("console/matches/<int:pk>/outcome/", views.console_match_outcome, name="console_match_outcome"),
    path("console/fairs/", views.console_fairs, name="console_fairs"),
    path("console/fairs/<int:pk>/", views.console_fair, name="console_fair"),
    path("console/dashboard/", views.console_dashboard, name="console_dashboard"),
    path("console/dashboard.xlsx", views.console_dashboard_export, name="console_dashboard_export"),
]
