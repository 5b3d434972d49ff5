"""Every API error as JSON with a Chinese message: ``{"detail": …, "errors": {field: [...]}}``."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError, IntegrityError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from cms.api.parsers import ChineseParseError, ControlCharacters
from cms.errors import ServiceError
from cms.records import validation_fields

MESSAGES = {
    status.HTTP_401_UNAUTHORIZED: "未登录或登录已失效，请先登录",
    status.HTTP_403_FORBIDDEN: "您没有执行此操作的权限",
    status.HTTP_404_NOT_FOUND: "未找到该记录，或不在您的数据范围内",
    status.HTTP_405_METHOD_NOT_ALLOWED: "不支持该请求方法",
    status.HTTP_415_UNSUPPORTED_MEDIA_TYPE: "不支持的请求内容类型",
    status.HTTP_429_TOO_MANY_REQUESTS: "请求过于频繁，请稍后再试",
}


def exception_handler(exc, context):
    if isinstance(exc, ServiceError):
        return Response(exc.as_dict(), status=exc.status_code)
    if isinstance(exc, DjangoValidationError):
        return Response({"detail": "输入有误，请检查后重试", "errors": validation_fields(exc)}, status=400)
    if isinstance(exc, (OverflowError, DataError)):
        # e.g. an id or number beyond what the database column holds
        return Response({"detail": "数值超出允许范围或格式不被数据库接受"}, status=400)
    if isinstance(exc, RequestDataTooBig):
        return Response({"detail": "请求内容过大，请减少内容或分次提交"}, status=413)
    if isinstance(exc, (TooManyFieldsSent, TooManyFilesSent)):
        return Response({"detail": "提交的字段或文件数量过多"}, status=400)
    if isinstance(exc, IntegrityError):
        return Response({"detail": "与已有记录重复或引用了不存在的记录"}, status=400)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(MESSAGES[404])
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, exceptions.NotFound) and exc.detail == exceptions.NotFound.default_detail:
        exc = exceptions.NotFound(MESSAGES[404])
    elif isinstance(exc, exceptions.ParseError) and not isinstance(exc, (ControlCharacters, ChineseParseError)):
        # DRF's text names the parser's English error ("JSON parse error - …").
        exc = exceptions.ParseError("请求内容格式错误，无法解析（请检查 JSON 或表单格式）")
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        data = response.data
        if isinstance(data, dict):
            errors = {k: v for k, v in data.items()}
            detail = "; ".join(str(x) for x in errors.pop("non_field_errors", [])) or "输入有误，请检查后重试"
            body = {"detail": detail, "errors": errors} if errors else {"detail": detail}
        else:
            body = {"detail": "; ".join(str(x) for x in data) if isinstance(data, list) else str(data)}
        response.data = body
        return response
    if isinstance(exc, exceptions.Throttled):
        response.data = {"detail": MESSAGES[429]}
        return response
    if response.status_code in (401, 403) and isinstance(exc, (exceptions.NotAuthenticated, exceptions.AuthenticationFailed)):
        response.data = {"detail": MESSAGES[401] if response.status_code == 401 else str(exc.detail)}
        return response
    detail = response.data.get("detail") if isinstance(response.data, dict) else None
    response.data = {"detail": str(detail) if detail else MESSAGES.get(response.status_code, "请求失败")}
    return response
