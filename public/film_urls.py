from django.urls import path

from . import film_views as views

app_name = "films"
urlpatterns = [
    path("", views.film_list, name="list"),
    path("<str:code>/", views.film_detail, name="detail"),
    path("<str:code>/reports/", views.film_reports, name="reports"),
]
