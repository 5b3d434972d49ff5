from django.dispatch import receiver
from simple_history.signals import post_create_historical_record, pre_create_historical_record

from cms.security import valid_ip

from . import chain
from .context import client_address
from .models import AuditedHistoryBase


@receiver(pre_create_historical_record)
def stamp_address(sender, instance, history_instance, **kwargs):
    """来源地址: the acting client's address, only ever a valid IP address (or none)."""
    if isinstance(history_instance, AuditedHistoryBase):
        history_instance.ip_address = (valid_ip(history_instance.ip_address)
                                       or valid_ip(getattr(instance, "_history_ip", None)) or client_address())


@receiver(post_create_historical_record)
def chain_row(sender, instance, history_instance, **kwargs):
    if isinstance(history_instance, AuditedHistoryBase):
        chain.append(history_instance)
