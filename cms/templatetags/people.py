"""``{{ user|person }}``: a person's name (全名, else first_name, else the username as a last resort)."""

from django import template

register = template.Library()


def person_name(user) -> str:
    if user is None:
        return ""
    full = (user.get_full_name() or "").strip() if hasattr(user, "get_full_name") else ""
    return full or getattr(user, "first_name", "") or user.get_username()


@register.filter
def person(user, empty: str = "—") -> str:
    return person_name(user) or empty
