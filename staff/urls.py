"""The staff workspace (/<lang>/staff/…): signed-in grant officers, auditors and administrators."""

from django.urls import path, re_path

from . import cinema_views as boxoffice_views
from . import film_views
from . import views as funding_views

app_name = "staff"
urlpatterns = [
    path("", funding_views.dashboard, name="dashboard"),
    path("films/", film_views.film_list, name="films"),
    path("films/new/", film_views.film_create, name="film-new"),
    path("films/<str:code>/", film_views.film_detail, name="film"),
    path("films/<str:code>/edit/", film_views.film_edit, name="film-edit"),
    path("organisations/", film_views.organisation_list, name="organisations"),
    path("organisations/search.json", film_views.organisation_search, name="organisation-search"),
    path("organisations/<int:org_id>/", film_views.organisation_detail, name="organisation"),
    path("grants/", funding_views.grant_list, name="grants"),
    path("grants/new/", funding_views.grant_create, name="grant-new"),
    path("grants/360giving.json", funding_views.grants_360giving, name="grants-360giving"),
    path("grants/<int:grant_id>/", funding_views.grant_detail, name="grant"),
    path("grants/<int:grant_id>/edit/", funding_views.grant_edit, name="grant-edit"),
    path("grants/<int:grant_id>/disbursements/", funding_views.grant_disburse, name="grant-disburse"),
    path("grants/<int:grant_id>/link/", funding_views.grant_link, name="grant-link"),
    path("grants/<int:grant_id>/withdraw/", funding_views.grant_withdraw, name="grant-withdraw"),
    path("grant-changes/approve/", funding_views.changes_approve, name="changes-approve"),
    re_path(
        r"^grant-changes/(?P<change_id>[0-9]+)/(?P<decision>approve|reject)/$",
        funding_views.change_review,
        name="change-review",
    ),
    path("cinemas/", boxoffice_views.cinema_list, name="cinemas"),
    path("cinemas/new/", boxoffice_views.cinema_create, name="cinema-new"),
    path("cinemas/<str:code>/", boxoffice_views.cinema_detail, name="cinema"),
    path("uploads/<str:register>/", funding_views.upload, name="upload"),
    path("uploads/<str:register>/template.csv", funding_views.upload_template, name="upload-template"),
    path("queue/", funding_views.queue, name="queue"),
    path("audit/", film_views.audit_list, name="audit"),
    re_path(r"^audit/export\.(?P<fmt>csv|xlsx)$", film_views.audit_download, name="audit-export"),
    path("reports/", funding_views.report_index, name="reports"),
    path("reports/<slug:slug>/", funding_views.report_page, name="report"),
    re_path(
        r"^reports/(?P<slug>[-a-z]+)\.(?P<fmt>csv|xlsx)$", funding_views.report_download, name="report-export"
    ),
]
