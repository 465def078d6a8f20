from django.urls import path

from . import views

app_name = "boxoffice"
urlpatterns = [
    path("alerts/", views.alerts, name="alerts"),
    path("batches/", views.batch_list, name="batches"),
    path("batches/upload/", views.upload, name="upload"),
    path("batches/<int:pk>/", views.batch_detail, name="batch"),
    path("batches/<int:pk>/progress/", views.batch_progress, name="batch-progress"),
    path("batches/<int:pk>/not-accepted.csv", views.batch_records_csv, name="batch-records-csv"),
]
