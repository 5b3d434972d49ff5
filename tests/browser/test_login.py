import pytest

from cms.roles import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_office_editor_logs_in_and_finds_the_directory_in_chinese(users, login):
    page = login(users[Role.OFFICE_EDITOR].username)
    page.goto(f"{page.base_url}/admin/snippets/directory/target/")
    assert "监管对象" in page.content()
    page.goto(f"{page.base_url}/admin/snippets/directory/jurisdiction/")
    body = page.inner_text("body")
    for name in ["拱辰街道", "西天尾工业园区"]:
        assert name in body
