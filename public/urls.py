from django.urls import path

from . import views

app_name = "public"
urlpatterns = [
    path("about/methodology/", views.methodology, name="methodology"),
    path("funders/", views.funder_list, name="funders"),
    path("funders/<int:pk>/", views.funder_detail, name="funder"),
    path("programmes/", views.programme_list, name="programmes"),
    path("programmes/<int:pk>/", views.programme_detail, name="programme"),
    path("organisations/", views.organisation_list, name="organisations"),
    path("organisations/<int:pk>/", views.organisation_detail, name="organisation"),
    path("cinemas/", views.cinema_list, name="cinemas"),
    path("cinemas/<str:code>/", views.cinema_detail, name="cinema"),
    path("regions/", views.region_list, name="regions"),
    path("regions/<str:code>/", views.region_detail, name="region"),
    path("open-data/", views.open_data, name="open-data"),
    path("open-data/dictionary/", views.data_dictionary, name="data-dictionary"),
    path("grants/", views.grant_list, name="grants"),
    path("grants.csv", views.grant_list_csv, name="grants-csv"),
    path("charts/<str:period>/", views.chart, name="chart"),
    path("market/", views.market, name="market"),
]
