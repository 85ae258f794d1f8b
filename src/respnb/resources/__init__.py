"""One module per resource of the Responses API (and Manus tasks)."""

from ._conversations import AsyncConversationItems, AsyncConversations
from ._files import AsyncFiles, FileInput
from ._pagination import AsyncPager
from ._responses import AsyncResponses
from ._tasks import AsyncTasks
from ._vector_stores import AsyncVectorStoreFiles, AsyncVectorStores

__all__ = [
    "AsyncConversationItems",
    "AsyncConversations",
    "AsyncFiles",
    "AsyncPager",
    "AsyncResponses",
    "AsyncTasks",
    "AsyncVectorStoreFiles",
    "AsyncVectorStores",
    "FileInput",
]
