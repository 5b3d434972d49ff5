"""Django's own 400 answer (a body over ``DATA_UPLOAD_MAX_MEMORY_SIZE``, too many fields, a
malformed multipart body…) in Chinese: JSON under ``/api/``, a small page elsewhere."""

from __future__ import annotations

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import JsonResponse
from django.template.response import TemplateResponse


def message_for(exception) -> tuple[int, str]:
    if isinstance(exception, RequestDataTooBig):
        return 413, "请求内容过大，请减少内容或分次提交（照片请逐张上传）"
    if isinstance(exception, (TooManyFieldsSent, TooManyFilesSent)):
        return 400, "提交的字段或文件数量过多"
    return 400, "请求无效，无法处理，请检查后重试"


def bad_request(request, exception=None):
    status, message = message_for(exception)
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=status, json_dumps_params={"ensure_ascii": False})
    response = TemplateResponse(request, "cms/bad_request.html", {"message": message}, status=status)
    return response.render()


def not_found(request, exception=None):
    """404: JSON in Chinese under ``/api/`` (a path that matches no resource, e.g. an id that is not
    ASCII digits); Django's page elsewhere (Wagtail's front end renders its own)."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "未找到该记录，或不在您的数据范围内"}, status=404, json_dumps_params={"ensure_ascii": False})
    from django.views.defaults import page_not_found

    return page_not_found(request, exception)


def csrf_failure(request, reason=""):
    """403 for a refused CSRF check: JSON in Chinese under ``/api/`` (e.g. a write to an address
    that matches no endpoint, with a session cookie), Django's page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "您没有执行此操作的权限"}, status=403, json_dumps_params={"ensure_ascii": False})
    from django.views.csrf import csrf_failure as django_csrf_failure

    return django_csrf_failure(request, reason=reason)
