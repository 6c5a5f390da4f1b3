from .articles import *  # noqa: F403
from .campaigns import *  # noqa: F403
from .exemplars import *  # noqa: F403
