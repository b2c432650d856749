"""The smallest app detection accepts, as an in-memory tree: Django at the root, React in web/.

Tests add or replace files (`detected({...})`) to make the shape they are about.
"""

from collections.abc import Mapping

import pytest

from ci.errors import PipelineError
from ci.profile import AppProfile, SourceTree, detect

FILES: dict[str, str | None] = {
    "manage.py": 'os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings")',
    "shop/settings.py": 'WSGI_APPLICATION = "shop.wsgi.application"\n',
    "requirements.txt": "Django\n",
    "web/package.json": '{"dependencies": {"react": "19"}}',
    "web/package-lock.json": None,
}


def detected(files: Mapping[str, str | None], **options: str) -> AppProfile:
    """The profile of the small app with `files` added (None: present, unread), and `options`."""
    return detect(SourceTree.of({**FILES, **files}), **options)


def refused(files: Mapping[str, str | None], **options: str) -> str:
    """The one sentence detection fails with on the small app with `files` and `options`."""
    with pytest.raises(PipelineError) as caught:
        detected(files, **options)
    return str(caught.value)
