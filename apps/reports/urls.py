from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.home, name="home"),
    path("tasks/", views.task_list, name="task_list"),
    path("tasks/new/", views.task_create, name="task_create"),
    path("tasks/<int:pk>/", views.task_detail, name="task_detail"),
    path("tasks/<int:pk>/edit/", views.task_edit, name="task_edit"),
    path("tasks/<int:pk>/publish/", views.task_publish, name="task_publish"),
    path("tasks/<int:pk>/close/", views.task_close, name="task_close"),
    path("tasks/<int:pk>/timeliness/", views.task_timeliness, name="task_timeliness"),
    path("fields/<int:pk>/delete/", views.field_delete, name="field_delete"),
    path("rules/<int:pk>/delete/", views.rule_delete, name="rule_delete"),
    path("rounds/<int:pk>/", views.round_detail, name="round_detail"),
    path("rounds/<int:pk>/export/", views.round_export, name="round_export"),
    path("exports/<int:pk>/", views.export_detail, name="export_detail"),
    path("mine/", views.my_submissions, name="my_submissions"),
    path("review/", views.review_queue, name="review_queue"),
    path("submissions/<int:pk>/", views.submission_detail, name="submission_detail"),
    path("submissions/<int:pk>/edit/", views.submission_edit, name="submission_edit"),
    path("submissions/<int:pk>/review/", views.submission_review, name="submission_review"),
    path("submissions/<int:pk>/versions/", views.submission_compare, name="submission_compare"),
    path("overview/", views.overview_page, name="overview"),
]
