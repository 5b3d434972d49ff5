"""Schema hooks (drf-spectacular): only our API, and every operation declares the error answers
it can give, with the one error body that ``cms.api.exceptions.exception_handler`` writes."""

from __future__ import annotations

from drf_spectacular.extensions import OpenApiSerializerExtension, OpenApiSerializerFieldExtension

ERROR_COMPONENT = "ErrorResponse"
ERROR_SCHEMA = {
    "type": "object",
    "description": "错误：detail 为中文说明；字段有误时 errors 按字段（或位置）列出原因。",
    "properties": {
        "detail": {"type": "string", "description": "中文错误说明"},
        "errors": {"type": "object", "additionalProperties": True, "description": "字段名 → 错误列表（嵌套字段为嵌套结构）"},
    },
    "required": ["detail"],
}
ERRORS = {
    "400": "请求参数或内容有误（中文说明，errors 列出各字段）",
    "401": "未登录或登录已失效",
    "403": "无权执行此操作",
    "404": "记录不存在或不在您的数据范围内",
    "405": "不支持该请求方法",
    "409": "状态冲突：记录已被他人处理或版本已过期",
    "413": "请求内容过大",
    "415": "不支持的请求内容类型",
    "429": "请求过于频繁",
}
WRITE_ONLY_ERRORS = ("409", "415")
RULES_KEY = "x-request-rules"
# What ``cms.api.parsers`` refuses in any submitted text: control characters other than tab and newlines.
NO_CONTROL_CHARACTERS = "^[^\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f]*$"
DATE_IN_BOUNDS = "^(20[0-9]{2}|2100)-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"
# Query parameters with the same meaning everywhere, and their limits.
PARAMETER_LIMITS = {
    "page": {"type": "integer", "minimum": 1, "maximum": 1_000_000},
    "page_size": {"type": "integer", "minimum": 1, "maximum": 200},
    "year": {"type": "integer", "minimum": 2000, "maximum": 2100},
    "month": {"type": "string", "pattern": "^(20[0-9]{2}|2100)-(0[1-9]|1[0-2])$"},
}


def only_our_api(endpoints):
    """Keep Wagtail's own API (``/api/v2/``) and admin views out of our OpenAPI schema."""
    return [e for e in endpoints if e[0].startswith("/api/v1/")]


def declare_errors(result, generator, request, public):
    """Postprocessing hook: add the shared error body and every error status an operation can
    answer (those it already declares keep their own description)."""
    components = result.setdefault("components", {}).setdefault("schemas", {})
    components[ERROR_COMPONENT] = ERROR_SCHEMA
    ref = {"$ref": f"#/components/schemas/{ERROR_COMPONENT}"}
    for name, component in components.items():
        component.update(component.pop(RULES_KEY, {}))
        if name.endswith("Request"):
            _no_control_characters(component)
            if component.get("type") == "object" and "properties" in component:
                # Only the listed fields are part of the API (others are ignored, never stored).
                component.setdefault("additionalProperties", False)
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            for parameter in operation.get("parameters", []):
                limits = PARAMETER_LIMITS.get(parameter.get("name"))
                if parameter.get("in") == "query" and limits and "format" not in parameter.get("schema", {}):
                    parameter["schema"] = {**limits, **({"description": parameter["schema"]["description"]}
                                                        if "description" in parameter.get("schema", {}) else {})}
                schema = parameter.get("schema", {})
                if parameter.get("in") == "query" and schema.get("format") == "date" and "pattern" not in schema:
                    schema["pattern"] = DATE_IN_BOUNDS  # cms.inputs.validate_date_bounds
            for content in (operation.get("requestBody") or {}).get("content", {}).values():
                _no_control_characters(content.get("schema") or {})
            _json_without_files(operation, components)
            responses = operation.setdefault("responses", {})
            for code, description in ERRORS.items():
                if code in WRITE_ONLY_ERRORS and method == "get":
                    continue
                declared = responses.get(code)
                if declared is None:
                    responses[code] = {"description": description, "content": {"application/json": {"schema": ref}}}
                elif "content" not in declared:
                    declared["content"] = {"application/json": {"schema": ref}}
    return result


def _is_file(schema: dict) -> bool:
    return isinstance(schema, dict) and (schema.get("format") == "binary" or _is_file(schema.get("items")))


def _json_without_files(operation: dict, components: dict) -> None:
    """A JSON body cannot carry a file: where an operation takes files (multipart), its JSON body
    is declared without the file fields (as the API reads it: a file field in JSON is refused)."""
    content = (operation.get("requestBody") or {}).get("content", {})
    json_body = content.get("application/json")
    ref = (json_body or {}).get("schema", {}).get("$ref", "")
    component = components.get(ref.rsplit("/", 1)[-1]) if ref else None
    if not component or not any(_is_file(p) for p in component.get("properties", {}).values()):
        return
    files = {name for name, p in component["properties"].items() if _is_file(p)}
    json_body["schema"] = {**component, "properties": {n: p for n, p in component["properties"].items() if n not in files},
                           "required": [n for n in component.get("required", []) if n not in files]}
    if not json_body["schema"]["required"]:
        del json_body["schema"]["required"]


def _no_control_characters(schema: dict) -> None:
    """Declare on every free-text string of a request what the parsers refuse."""
    if not isinstance(schema, dict):
        return
    if schema.get("type") == "string" and not ({"enum", "format", "pattern"} & set(schema)):
        schema["pattern"] = NO_CONTROL_CHARACTERS
    elif schema.get("type") == "string" and schema.get("format") in ("date", "date-time") and "pattern" not in schema:
        # cms.api.serializers._BoundedDates: 2000-01-01 … 2100-12-31 (a date-time by its date)
        schema["pattern"] = DATE_IN_BOUNDS if schema["format"] == "date" else DATE_IN_BOUNDS.rstrip("$") + "T"
    for key in ("properties",):
        for child in (schema.get(key) or {}).values():
            _no_control_characters(child)
    for key in ("items", "additionalProperties"):
        _no_control_characters(schema.get(key))
    for key in ("allOf", "oneOf", "anyOf"):
        for child in schema.get(key) or []:
            _no_control_characters(child)


class DecimalFieldExtension(OpenApiSerializerFieldExtension):
    """A decimal sent as a string says which strings the field takes: drf-spectacular's own pattern
    admits "", "-" and "." and leaves out the field's minimum and maximum (issue 15: schema-valid
    weights of an assessment scheme were refused)."""

    target_class = "rest_framework.fields.DecimalField"
    match_subclasses = True

    def map_serializer_field(self, auto_schema, direction):
        schema = auto_schema._map_serializer_field(self.target, direction, bypass_extensions=True)
        if schema.get("type") == "string" and self.target.max_digits is not None:
            schema["pattern"] = decimal_pattern(self.target.max_digits, self.target.decimal_places or 0,
                                                self.target.min_value, self.target.max_value)
        return schema


def decimal_pattern(max_digits: int, decimal_places: int, min_value, max_value) -> str:
    """The strings DRF's ``DecimalField`` accepts within its bounds, as far as a pattern can say:
    a sign only when negatives are allowed; a maximum that is a power of ten is exact."""
    whole = max_digits - decimal_places
    fraction = f"(?:\\.[0-9]{{1,{decimal_places}}})?" if decimal_places else ""
    sign = "" if min_value is not None and min_value >= 0 else "-?"
    number = f"[0-9]{{1,{whole}}}{fraction}"
    if max_value is not None and min_value is not None and min_value >= 0:
        power = len(str(int(max_value))) - 1
        if max_value == 10 ** power and 0 < power <= whole:
            zeros = f"(?:\\.0{{1,{decimal_places}}})?" if decimal_places else ""
            number = f"(?:[0-9]{{1,{power}}}{fraction}|10{{{power}}}{zeros})"
    return f"^{sign}{number}$"


class RequestRulesExtension(OpenApiSerializerExtension):
    """A serializer states a rule between its fields that a request must keep, as JSON Schema, in
    ``request_schema_rules`` (e.g. exactly one of two recipients): the request body's schema
    carries it, so a client and Schemathesis know which bodies the API takes."""

    target_class = "cms.api.serializers.ApiSerializer"
    match_subclasses = True

    def map_serializer(self, auto_schema, direction):
        schema = auto_schema._map_serializer(self.target, direction, bypass_extensions=True)
        return with_rules(self.target, schema, direction)


class ModelRequestRulesExtension(RequestRulesExtension):
    target_class = "cms.api.serializers.ApiModelSerializer"


def with_rules(serializer, schema: dict, direction: str) -> dict:
    rules = getattr(serializer, "request_schema_rules", None)
    if rules and direction == "request":
        # kept aside until ``declare_errors``: the enum postprocessing would turn their
        # ``enum: [null]`` into enum components of its own
        schema[RULES_KEY] = rules
    return schema
