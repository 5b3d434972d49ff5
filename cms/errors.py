"""Errors a service raises; the API maps them to status codes, the admin shows the message."""

from __future__ import annotations


class ServiceError(Exception):
    status_code = 400
    default_message = "请求无效"

    def __init__(self, message: str | None = None, *, fields: dict[str, list[str] | str] | None = None):
        self.message = message or self.default_message
        self.fields = {k: v if isinstance(v, list) else [v] for k, v in (fields or {}).items()}
        super().__init__(self.message)

    def as_dict(self) -> dict:
        body: dict = {"detail": self.message}
        if self.fields:
            body["errors"] = self.fields
        return body


class InvalidInput(ServiceError):
    status_code = 400
    default_message = "输入有误，请检查后重试"


class NotAllowed(ServiceError):
    status_code = 403
    default_message = "您没有执行此操作的权限"


class StateConflict(ServiceError):
    status_code = 409
    default_message = "当前状态不允许此操作，可能已被他人处理，请刷新后重试"


class NotFound(ServiceError):
    status_code = 404
    default_message = "未找到该记录，或不在您的数据范围内"
