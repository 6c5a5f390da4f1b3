from django.urls import path

from . import views

app_name = "subsidies"

urlpatterns = [
    # Public: the programmes and their rules.
    path("", views.programme_list, name="programme_list"),
    path("programmes/<int:pk>/", views.programme_detail, name="programme_detail"),
    path("programmes/<int:pk>/apply/", views.apply, name="apply"),
    path("mine/<int:pk>/", views.my_application, name="my_application"),
    path("mine/<int:pk>/withdraw/", views.my_withdraw, name="my_withdraw"),
    path("applications/", views.application_list, name="application_list"),
    path("applications/<int:pk>/", views.application_detail, name="application_detail"),
    path("applications/<int:pk>/decide/", views.application_decide, name="application_decide"),
    path("manage/", views.programme_manage, name="programme_manage"),
    path("manage/new/", views.programme_edit, name="programme_new"),
    path("manage/<int:pk>/", views.programme_edit, name="programme_edit"),
    path("batches/", views.batch_list, name="batch_list"),
    path("batches/new/<int:programme_pk>/", views.batch_new, name="batch_new"),
    path("batches/<int:pk>/", views.batch_detail, name="batch_detail"),
    path("batches/<int:pk>/export/", views.batch_export, name="batch_export"),
    path("batches/<int:pk>/paid/", views.batch_paid, name="batch_paid"),
    path("batches/<int:pk>/items/<int:item_pk>/return/", views.item_return, name="item_return"),
    path("batches/<int:pk>/items/<int:item_pk>/remove/", views.item_remove, name="item_remove"),
    path("deferrals/", views.deferral_list, name="deferral_list"),
    path("deferrals/new/", views.deferral_new, name="deferral_new"),
    path("deferrals/<int:pk>/", views.deferral_detail, name="deferral_detail"),
    path("deferrals/<int:pk>/decide/", views.deferral_decide, name="deferral_decide"),
]
