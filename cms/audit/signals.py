from django.dispatch import receiver
from simple_history.signals import post_create_historical_record, pre_create_historical_record

from . import chain
from .context import client_address
from .models import AuditedHistoryBase


@receiver(pre_create_historical_record)
def stamp_address(sender, instance, history_instance, **kwargs):
    if isinstance(history_instance, AuditedHistoryBase) and not history_instance.ip_address:
        history_instance.ip_address = getattr(instance, "_history_ip", None) or client_address()


@receiver(post_create_historical_record)
def chain_row(sender, instance, history_instance, **kwargs):
    if isinstance(history_instance, AuditedHistoryBase):
        chain.append(history_instance)
