"""The base of every form in the admin and on the public site (``cms.inputs``): text with control
characters is refused with a Chinese message, on the field it was typed into, or for the whole
form when it came in a value no field of this form owns (a page editor's inline panels and
stream blocks); a date outside 2000-01-01 … 2100-12-31 is refused on its field."""

from __future__ import annotations

import datetime

from django import forms

from cms.inputs import BODY_CONTROL_MESSAGE, CONTROL_MESSAGE, DATE_MESSAGE, date_in_bounds, has_control_characters


class TextFormMixin:
    """Looks at every submitted value (before the fields' own cleaning, whose message for a NUL
    byte would be Django's terse one) and puts our message in place of the field's errors."""

    def _clean_fields(self):
        super()._clean_fields()
        data = self.data
        keys = list(data.keys()) if hasattr(data, "keys") else []
        owners = {self.add_prefix(name): name for name in self.fields}
        stray = False
        for key in keys:
            raw = data.getlist(key) if hasattr(data, "getlist") else data.get(key)
            if not has_control_characters(raw):
                continue
            name = owners.get(key)
            if name is None:
                stray = True
                continue
            field = self.fields[name]
            self._errors[name] = self.error_class([f"{field.label or name}{CONTROL_MESSAGE}"])
            self.cleaned_data.pop(name, None)
        if stray:
            self.add_error(None, BODY_CONTROL_MESSAGE)
        for name, value in list(self.cleaned_data.items()):
            if isinstance(value, datetime.date) and not date_in_bounds(value):
                self.add_error(name, DATE_MESSAGE)


class TextForm(TextFormMixin, forms.Form):
    pass
