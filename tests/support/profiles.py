"""The reference app's profile, as `dagger call` on this checkout detects it."""

from tools.app_profile import ROOT, profile_of_directory

REFERENCE_PROFILE = profile_of_directory(ROOT)
