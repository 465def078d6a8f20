from django.urls import path

from . import views

app_name = "boxoffice"
urlpatterns = [
    path("alerts/", views.alerts, name="alerts"),
    path("batches/", views.batch_list, name="batches"),
    path("batches/upload/", views.upload, name="upload"),
    path("batches/format/", views.sales_format, name="format"),
    path("batches/ticket-sales-template.csv", views.sales_template_csv, name="template"),
    path("batches/<int:pk>/", views.batch_detail, name="batch"),
    path("batches/<int:pk>/progress/", views.batch_progress, name="batch-progress"),
    path("batches/<int:pk>/not-accepted.csv", views.batch_records_csv, name="batch-records-csv"),
]
