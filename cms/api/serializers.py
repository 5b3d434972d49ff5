"""Serializer bases for every API resource: the same output as DRF's, with lists built faster.

DRF turns each field of each row into a value through ``Field.get_attribute``: a chain of
``getattr`` with an ``inspect`` check for callables at every step, a ``PKOnlyObject`` for every
foreign key, and exception handling around all of it. For a page of 50 hazards with 40 fields
that is 2,000 such calls and most of the request's time (bench/README.md, section 2).

``FastListSerializer`` plans each field once per list: a foreign key's id is read from its
column (``sector_id``), a plain field's value by ``getattr`` along its source, then passed to
the field's own ``to_representation``, so formats (dates, decimals, choices) stay DRF's. Any
field it cannot plan (method fields, nested serializers, many-to-many, ``source="*"``) and any
row where a step of the source is missing or ``None`` goes through DRF's own code for that
field, so the output is the same dict in the same order: ``tests/api/test_fast_list.py``
compares the two on every list serializer of the API.
"""

from __future__ import annotations

import datetime as dt
import decimal
import functools
import inspect
from collections.abc import Mapping

from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist
from django.core.validators import MinLengthValidator, RegexValidator
from django.db import models
from rest_framework import fields as drf_fields
from rest_framework import relations, serializers
from rest_framework.fields import SkipField
from rest_framework.relations import PKOnlyObject
from rest_framework.settings import ISO_8601, api_settings
from rest_framework.utils import html

from cms.inputs import validate_date_bounds

_PK, _PLAIN, _DISPLAY, _DRF = 0, 1, 2, 3


def _iso_datetime(field):
    """DRF's ``DateTimeField.to_representation`` for aware values with the ISO 8601 format, with
    the field's time zone looked up once per list instead of once per value; anything else
    (a custom format, a naive or out-of-range value) goes to the field itself."""
    if type(field).to_representation is not drf_fields.DateTimeField.to_representation:
        return field.to_representation
    output_format = getattr(field, "format", api_settings.DATETIME_FORMAT)
    if not isinstance(output_format, str) or output_format.lower() != ISO_8601:
        return field.to_representation
    tz = field.timezone if hasattr(field, "timezone") else field.default_timezone()
    if tz is None:
        return field.to_representation

    def convert(value):
        if type(value) is not dt.datetime or value.tzinfo is None:
            return field.to_representation(value)
        try:
            text = value.astimezone(tz).isoformat()
        except OverflowError:
            return field.to_representation(value)
        return text[:-6] + "Z" if text.endswith("+00:00") else text

    return convert


def _plan_field(field, model) -> tuple[int, object, object]:
    """(kind, how to read, how to convert a value that is not None)."""
    attrs = field.source_attrs
    convert = field.to_representation
    if field.source == "*" or not attrs:
        return _DRF, None, None
    if isinstance(field, relations.PrimaryKeyRelatedField):
        if field.pk_field is None and len(attrs) == 1 and model is not None:
            model_field = _model_field(model, attrs[0])
            if isinstance(model_field, models.ForeignKey):
                return _PK, model_field.attname, None
        return _DRF, None, None
    if isinstance(field, (relations.RelatedField, relations.ManyRelatedField, serializers.BaseSerializer,
                          drf_fields.SerializerMethodField, drf_fields.HiddenField)):
        return _DRF, None, None
    if isinstance(field, drf_fields.DateTimeField):
        convert = _iso_datetime(field)
    if len(attrs) == 1 and model is not None and attrs[0].startswith("get_") and attrs[0].endswith("_display"):
        # ``get_level_display``: Django's own lookup, without ``make_hashable`` on every call
        model_field = _model_field(model, attrs[0][4:-8])
        if model_field is not None and model_field.choices and type(inspect.getattr_static(model, attrs[0], None)) is functools.partialmethod:
            choices = dict(model_field.flatchoices)
            if all(isinstance(k, (str, int)) for k in choices):
                return _DISPLAY, (model_field.attname, choices), convert
    return _PLAIN, tuple(attrs), convert


def _model_field(model, name: str):
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


_PLAIN_TYPES = frozenset({str, int, bool, float, type(None), dt.date, dt.datetime, decimal.Decimal})


def _is_simple_callable(value) -> bool:
    if type(value) in _PLAIN_TYPES:
        return False
    return inspect.isfunction(value) or inspect.ismethod(value) or isinstance(value, functools.partial)


class _Missing(Exception):
    """A step of the source is absent, ``None`` or unusual: let DRF decide, as it would."""


def _follow(instance, attrs: tuple[str, ...]):
    value = instance
    for attr in attrs:
        if value is None or isinstance(value, Mapping):
            raise _Missing
        try:
            value = getattr(value, attr)
        except (AttributeError, ObjectDoesNotExist):
            raise _Missing from None
        if _is_simple_callable(value):
            value = value()
    return value


class FastListSerializer(serializers.ListSerializer):
    def to_representation(self, data):
        iterable = data.all() if isinstance(data, models.manager.BaseManager) else data
        child = self.child
        model = getattr(getattr(child, "Meta", None), "model", None)
        plan = [(field, field.field_name, *_plan_field(field, model)) for field in child._readable_fields]
        rows = []
        for instance in iterable:
            ret = {}
            for field, name, kind, how, convert in plan:
                if kind == _PK:
                    ret[name] = getattr(instance, how)
                    continue
                if kind == _DISPLAY:
                    value = getattr(instance, how[0])
                    try:
                        value = how[1].get(value, value)
                    except TypeError:  # an unhashable value: as Django would, show it as it is
                        pass
                    ret[name] = None if value is None else convert(str(value))
                    continue
                if kind == _PLAIN:
                    try:
                        value = _follow(instance, how)
                    except _Missing:
                        pass
                    else:
                        ret[name] = None if value is None else convert(value)
                        continue
                try:
                    attribute = field.get_attribute(instance)
                except SkipField:
                    continue
                check = attribute.pk if isinstance(attribute, PKOnlyObject) else attribute
                ret[name] = None if check is None else field.to_representation(attribute)
            rows.append(ret)
        return rows


class _FastMany:
    @classmethod
    def many_init(cls, *args, **kwargs):
        meta = getattr(cls, "Meta", None)
        if meta is not None and not hasattr(meta, "list_serializer_class"):
            meta.list_serializer_class = FastListSerializer
        elif meta is None:
            cls.Meta = type("Meta", (), {"list_serializer_class": FastListSerializer})
        return super().many_init(*args, **kwargs)


class _BoundedDates:
    """Every date and date-time the client sends lies between ``cms.inputs.DATE_MIN`` and
    ``DATE_MAX`` (2000-01-01 … 2100-12-31): a Chinese error on that field, before any service
    runs (the save guard would refuse it later too).

    A list of ids that may not be empty says so in the schema (``minItems: 1``): the field refuses
    the empty list itself before this validator runs, which only gives drf-spectacular the limit."""

    def get_fields(self):
        fields = super().get_fields()
        for field in fields.values():
            if isinstance(field, (drf_fields.DateField, drf_fields.DateTimeField)) and not field.read_only:
                if validate_date_bounds not in field.validators:
                    field.validators = [*field.validators, validate_date_bounds]
            if (isinstance(field, relations.ManyRelatedField) and not field.read_only and not field.allow_empty
                    and not any(isinstance(v, MinLengthValidator) for v in field.validators)):
                field.validators = [*field.validators, MinLengthValidator(1, message="请至少选择一项")]
        return fields


class _BlankChoiceIsAValue:
    """In a form-encoded body DRF reads a blank value of an optional field as "not sent", so a PATCH
    with ``kind=`` answered 200 and changed nothing; a blank choice is a value outside the enum and
    is refused, as it is in a JSON body (Schemathesis, negative mode)."""

    def get_value(self, dictionary):
        if (html.is_html_input(dictionary) and self.field_name in dictionary and dictionary.get(self.field_name) == ""
                and not self.allow_blank):
            return ""
        return super().get_value(dictionary)


_STRICT_CHOICE_CLASSES: dict[type, type] = {}


def _strict_choice(field) -> None:
    cls = type(field)
    if cls not in _STRICT_CHOICE_CLASSES:
        _STRICT_CHOICE_CLASSES[cls] = type(f"Strict{cls.__name__}", (_BlankChoiceIsAValue, cls), {})
    field.__class__ = _STRICT_CHOICE_CLASSES[cls]


class ApiModelSerializer(_FastMany, _BoundedDates, serializers.ModelSerializer):
    """``serializers.ModelSerializer`` whose lists are built by ``FastListSerializer``."""

    # A choice column that may be blank or NULL says so in the schema even when the field is
    # read-only (DRF drops ``allow_blank``/``allow_null`` for read-only fields, so the schema's
    # enum would not admit the "" or null the data holds: issue 15, responsible_kind).
    def get_fields(self):
        fields = super().get_fields()
        model = getattr(getattr(self, "Meta", None), "model", None)
        for name, field in fields.items():
            if not field.read_only and isinstance(field, serializers.CharField) and any(
                    isinstance(v, RegexValidator) for v in field.validators):
                # A value with a pattern (phone, credit code) is checked as sent: trimming it first
                # would accept what the schema's pattern refuses (" 12345").
                field.trim_whitespace = False
            if (not field.read_only and isinstance(field, serializers.ChoiceField)
                    and not isinstance(field, serializers.MultipleChoiceField) and not field.allow_blank):
                _strict_choice(field)
            if not (field.read_only and isinstance(field, serializers.ChoiceField)) or model is None:
                continue
            try:
                model_field = model._meta.get_field(field.source or name)
            except FieldDoesNotExist:
                continue
            if model_field.blank and isinstance(model_field, (models.CharField, models.TextField)):
                field.allow_blank = True
            if model_field.null:
                field.allow_null = True
        return fields


class ApiSerializer(_FastMany, _BoundedDates, serializers.Serializer):
    """``serializers.Serializer`` whose lists are built by ``FastListSerializer``."""
