"""``{{ photo.image|thumbnail_url }}``: the checked URL of a photo's thumbnail (cms.files)."""

from django import template

from cms.files import thumbnail_url as _thumbnail_url

register = template.Library()


@register.filter
def thumbnail_url(field_file) -> str:
    name = getattr(field_file, "name", field_file)
    return _thumbnail_url(name) if name else ""
