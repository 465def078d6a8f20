"""URLs: pages under a language prefix (/kk/, /ru/, /en/); the API, admin and health check without one."""
from csp.constants import NONE, SELF, UNSAFE_INLINE
from csp.decorators import csp_replace
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.http import HttpResponse
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from public import views as public_views
from staff.film_views import after_sign_in

# drf-spectacular's documentation pages start Swagger UI and Redoc with inline script and style (and Redoc
# runs a worker from a blob): those two pages, and only they, are allowed that, still from this site alone.
docs_policy = csp_replace({"script-src": [SELF, UNSAFE_INLINE], "style-src": [SELF, UNSAFE_INLINE],
                           "worker-src": [SELF, "blob:"], "object-src": [NONE]})


def healthz(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include("config.api_router")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/schema/swagger/", docs_policy(SpectacularSwaggerView.as_view(url_name="schema")), name="swagger"),
    path("api/schema/redoc/", docs_policy(SpectacularRedocView.as_view(url_name="schema")), name="redoc"),
    # Open-data files at stable, language-independent URLs.
    path("open-data/<slug:name>.<str:fmt>", public_views.open_data_file, name="open-data-file"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("healthz", healthz),
]

urlpatterns += i18n_patterns(
    path("", public_views.home, name="home"),
    path("accounts/after-sign-in/", after_sign_in, name="after-sign-in"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("films/", include("public.film_urls")),
    path("funding/", include("public.report_urls")),
    path("boxoffice/", include("boxoffice.urls")),
    path("staff/", include("staff.urls")),
    path("", include("public.urls")),
    prefix_default_language=True,
)

handler400 = "public.errors.bad_request"
handler403 = "public.errors.permission_denied"
handler404 = "public.errors.page_not_found"
handler500 = "public.errors.server_error"
