from django.urls import path

from . import report_views as views

app_name = "funding"
urlpatterns = [
    path("reports/funded-vs-released/", views.funded_vs_released_page, name="funded-vs-released"),
    path("reports/funded-vs-released.<str:fmt>", views.funded_vs_released_download, name="funded-vs-released-file"),
    path("reports/delivery/", views.delivery_page, name="delivery"),
    path("reports/delivery.<str:fmt>", views.delivery_download, name="delivery-file"),
]
