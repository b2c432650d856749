"""What the app in the source is, read from its files: a typed, overridable profile.

`detect` reads a snapshot of the repository (`SourceTree`) and returns an `AppProfile`
whose every value says which file (or setting) decided it. Plain Python: no Dagger here.
"""

from ci.profile.detect import detect
from ci.profile.model import AppProfile, BackendProfile, Found, FrontendProfile
from ci.profile.tree import SourceTree

__all__ = ["AppProfile", "BackendProfile", "Found", "FrontendProfile", "SourceTree", "detect"]
