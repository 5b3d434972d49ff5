from collections import Counter

from django.core.management import call_command

from cms.audit import chain
from workflows.hazards.models import Hazard, HazardState


def test_loop_demo_covers_every_state_once_and_keeps_the_chain(ref):
    call_command("load_demo", password="demo-pass-1234")
    call_command("load_inspection_demo")
    call_command("load_loop_demo")
    states = Counter(Hazard.objects.values_list("state", flat=True))
    assert set(states) == set(HazardState.values)
    assert Hazard.objects.filter(is_supervised=True).exists()
    total = Hazard.objects.count()
    call_command("load_loop_demo")
    assert Hazard.objects.count() == total
    for model in chain.history_models():
        assert chain.verify_model(model) is None, model
