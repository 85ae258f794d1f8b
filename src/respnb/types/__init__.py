"""The wire types of the Responses API, shared by respnb's client and its local server."""

from .events import *  # noqa: F403
from .events import __all__ as _events_all
from .items import *  # noqa: F403
from .items import __all__ as _items_all
from .resources import *  # noqa: F403
from .resources import __all__ as _resources_all
from .response import *  # noqa: F403
from .response import __all__ as _response_all

__all__ = [*_response_all, *_items_all, *_events_all, *_resources_all]
