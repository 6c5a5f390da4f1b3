"""Writes of the publicity app, by area."""
from .articles import *  # noqa: F403
from .articles import ARTICLE_TRANSITIONS, PAGES  # noqa: F401
from .campaigns import *  # noqa: F403
from .campaigns import CAMPAIGN_TRANSITIONS  # noqa: F401
from .exemplars import *  # noqa: F403
