from __future__ import annotations

import pytest

from cms.roles import Role
from notices.models import NoticeIndexPage, NoticePage, TipOffFormPage
from notices.site_setup import setup_site


@pytest.fixture
def site(ref):
    setup_site()
    return {"index": NoticeIndexPage.objects.get(), "tipoff": TipOffFormPage.objects.get()}


@pytest.fixture
def publish_notice(site, ref):
    def make(title: str, *, visibility: str = "public", departments=(), jurisdictions=(), number: str | None = None,
             body=None, live: bool = True) -> NoticePage:
        page = NoticePage(
            title=title, document_number=number or f"荔安办〔2026〕{NoticePage.objects.count() + 90}号",
            visibility=visibility, addressee_text="各镇街、工业园区", live=live,
            body=body or [{"type": "paragraph", "value": f"<p>{title}正文：督导检查发现隐患</p>"}],
        )
        page.addressee_departments.set([ref["departments"][d] for d in departments])
        page.addressee_jurisdictions.set([ref["jurisdictions"][j] for j in jurisdictions])
        site["index"].add_child(instance=page)
        revision = page.save_revision()
        if live:
            revision.publish()
        page.refresh_from_db()
        return page

    return make


@pytest.fixture
def outsider(make_user):
    """A department user of a unit no test notice is addressed to."""
    return make_user(Role.DEPARTMENT, department="住建局", username="t_outsider")
