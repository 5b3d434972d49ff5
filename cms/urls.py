from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from cms.admin_views import bulk_action
from cms.api.auth import ObtainTokenView
from cms.api.router import extra_urlpatterns, router
from cms.files import file_view
from cms.wagtail_api import api_router as wagtail_api_router
from notices.views import tipoff_status

urlpatterns = [
    # before Wagtail's own: bulk actions on audited models are refused (cms.admin_views.bulk_action)
    path("admin/bulk/<str:app_label>/<str:model_name>/<str:action>/", bulk_action),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    # every uploaded file, checked against the viewer's data scope (nothing under MEDIA_URL is served publicly)
    path("files/<path:name>", file_view, name="private_file"),
    # the public 举报办理进度查询 (受理编号 + 查询码)
    path("tipoff-status/", tipoff_status, name="tipoff_status"),
    path("captcha/", include("captcha.urls")),
    path("api/v1/auth/token/", ObtainTokenView.as_view(), name="api-token"),
    path("api/v1/", include(extra_urlpatterns)),
    path("api/v1/", include(router.urls)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/v2/", wagtail_api_router.urls),
]

urlpatterns += [path("", include(wagtail_urls))]

handler400 = "cms.bad_request.bad_request"
handler404 = "cms.bad_request.not_found"
