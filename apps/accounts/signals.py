"""The one event accounts announces: a person has registered.

``notifications`` (which depends on accounts, not the other way round) subscribes to greet them.
Sent after the registration commits; ``sender`` is the User class, ``user`` the new account.
"""
from django.dispatch import Signal

user_registered = Signal()
