"""Finding one target among many by typing a fragment of its name: the list is refilled from the
scoped options endpoint and the hazard is registered against the target found."""

import pytest

from cms.directory.picker import LIMIT
from cms.roles import Role
from workflows.hazards.models import Hazard

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_type_a_fragment_pick_the_target_and_register(users, make_target, login):
    for i in range(LIMIT + 5):
        make_target(f"批量企业{i:03d}")
    needle = make_target("最后才登记的液氨制冷厂")
    page = login(users[Role.OFFICE_EDITOR].username)
    page.goto(f"{page.base_url}/admin/snippets/hazards/hazard/add/")
    select = page.locator("select[name=target]")
    assert select.locator(f"option[value='{needle.pk}']").count() == 0  # not among the first fifty
    page.fill("input.target-search", "液氨制冷")
    page.wait_for_function(f"document.querySelector(\"select[name=target] option[value='{needle.pk}']\") !== null")
    assert select.locator("option").count() == 2  # the prompt and the one match
    page.select_option("select[name=target]", str(needle.pk))
    page.fill("textarea[name=description]", "液氨管道阀门泄漏")
    page.select_option("select[name=sector]", label="危化品")
    page.fill("input[name=change_reason]", "现场检查发现")
    with page.expect_navigation():
        page.get_by_role("button", name="保存").click()
    assert Hazard.objects.get(description="液氨管道阀门泄漏").target == needle
