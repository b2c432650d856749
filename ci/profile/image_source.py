"""How each part's release image is built: the built-in recipe, or the repository's Dockerfile.

The recipe (ci/stages/images.py) is the default wherever it fits. Where it cannot apply,
the part's own Dockerfile builds the image, preferring a production one
(DOCKERFILES, in order) in the part's directory, then, for the backend, at the
repository's root (unless the frontend lives there). `[backend]` and `[frontend]` in
pipeline.toml choose instead: `image = "recipe"` or `"dockerfile"`, `dockerfile`,
`dockerfile-target`, `dockerfile-context` (paths from the repository's root).
"""

from typing import Any

from ci.errors import PipelineError
from ci.profile.config_file import CONFIG_FILE
from ci.profile.model import BackendProfile, Found, FrontendProfile, ImageSource
from ci.profile.tree import SourceTree, join, normal, parent

RECIPE, DOCKERFILE, NONE = "recipe", "dockerfile", "none"
# A part's Dockerfiles, the one used first: release images are production images.
DOCKERFILES = ("Dockerfile.production", "Dockerfile.prod", "Dockerfile")
# What the frontend recipe's nginx reads from the frontend directory.
NGINX_FILES = ("nginx/nginx.conf", "nginx/default.conf.template")
TUNING = ("dockerfile-target", "dockerfile-context")


def backend_image(
    tree: SourceTree, backend: BackendProfile, frontend_dir: str, config: dict[str, Any]
) -> Found[ImageSource]:
    """The backend image's source: the recipe where its hashed requirements.txt is."""
    where = backend.dir.value
    directories = [where, *([""] if "" not in (where, frontend_dir) else [])]
    requirements = join(where, "requirements.txt")
    if not tree.has(requirements):
        gap = (
            f"the built-in recipe installs {requirements} with --require-hashes, and there is "
            f"none (the dependencies are in {backend.install.source})"
        )
        fit = Found(gap, backend.install.source)
    elif "--hash=" not in tree.text(requirements):
        gap = (
            f"the built-in recipe installs {requirements} with --require-hashes, and it has "
            "no hashes"
        )
        fit = Found(gap, requirements)
    else:
        fit = Found("", requirements)
    return _image_source(tree, "backend", directories, fit, config)


def frontend_image(
    tree: SourceTree, frontend: FrontendProfile, config: dict[str, Any]
) -> Found[ImageSource]:
    """The frontend image's source: the recipe where its nginx files and build script are."""
    where = frontend.dir.value
    missing = [join(where, name) for name in NGINX_FILES if not tree.has(join(where, name))]
    if missing:
        gap = (
            f"the built-in recipe serves the build with nginx and "
            f"{' and '.join(NGINX_FILES)} of the frontend, and {' and '.join(missing)} "
            f"{'is' if len(missing) == 1 else 'are'} missing"
        )
        fit = Found(gap, missing[0])
    elif "build" not in frontend.scripts.value:
        gap = (
            "the built-in recipe serves what the build script makes, and "
            f"{frontend.scripts.source} has none"
        )
        fit = Found(gap, frontend.scripts.source)
    else:
        fit = Found("", join(where, NGINX_FILES[1]))
    return _image_source(tree, "frontend", [where], fit, config)


def _image_source(
    tree: SourceTree, part: str, directories: list[str], fit: Found[str], config: dict[str, Any]
) -> Found[ImageSource]:
    """pipeline.toml's choice, else the recipe if it fits, else the part's Dockerfile."""
    chosen = config.get("image", "")
    tuning = [key for key in TUNING if key in config]
    if chosen == RECIPE:
        extra = [key for key in ("dockerfile", *tuning) if key in config]
        if extra:
            raise PipelineError(
                f"{CONFIG_FILE}: [{part}] image = 'recipe' builds no Dockerfile, so "
                f"{' and '.join(extra)} cannot apply: remove one or the other."
            )
        return Found(ImageSource(RECIPE, reason=fit.value), CONFIG_FILE)
    if "dockerfile" in config:
        path = normal(config["dockerfile"])
        if not tree.has(path):
            raise PipelineError(
                f"{CONFIG_FILE}: [{part}] dockerfile = {config['dockerfile']!r} is not a file "
                "of the source: give its path from the repository's root."
            )
        return Found(_dockerfile(part, path, config, fit.value), CONFIG_FILE)
    found = next((join(d, n) for d in directories for n in DOCKERFILES if tree.has(join(d, n))), "")
    if chosen == DOCKERFILE:
        if not found:
            raise PipelineError(
                f"{CONFIG_FILE}: [{part}] image = 'dockerfile', and there is no "
                f"{_names()} in {_places(directories)}: add one, or set [{part}] dockerfile "
                "to its path."
            )
        return Found(_dockerfile(part, found, config, fit.value), CONFIG_FILE)
    if tuning:
        raise PipelineError(
            f"{CONFIG_FILE}: [{part}] {' and '.join(tuning)} only apply to a Dockerfile: "
            f"set [{part}] image = 'dockerfile' (or dockerfile) too, or remove them."
        )
    if not fit.value:
        return Found(ImageSource(RECIPE), fit.source)
    if found:
        return Found(_dockerfile(part, found, {}, fit.value), found)
    reason = f"{fit.value}, and there is no {_names()} in {_places(directories)}"
    return Found(ImageSource(NONE, reason=reason), fit.source)


def _dockerfile(part: str, path: str, config: dict[str, Any], reason: str) -> ImageSource:
    """The Dockerfile at `path`, built in its directory unless the settings say otherwise."""
    context = normal(config.get("dockerfile-context", parent(path)))
    if context and not path.startswith(f"{context}/"):
        raise PipelineError(
            f"{CONFIG_FILE}: [{part}] {path} is outside its build context {context}/: set "
            f"[{part}] dockerfile-context to a directory that holds it."
        )
    return ImageSource(DOCKERFILE, path, context, config.get("dockerfile-target", ""), reason)


def buildable(part: str, found: Found[ImageSource]) -> ImageSource:
    """The image source of `part` if it can build the image, else one sentence saying why."""
    image = found.value
    if image.kind == NONE:
        raise PipelineError(
            f"The {part} image cannot be built: {image.reason}: add one, or set [{part}] "
            f"dockerfile in {CONFIG_FILE} to yours."
        )
    if image.kind == RECIPE and image.reason:
        raise PipelineError(
            f"The {part} image cannot be built: {CONFIG_FILE} sets [{part}] image = 'recipe', "
            f"but {image.reason}: fix that, or set [{part}] image = 'dockerfile'."
        )
    return image


def _names() -> str:
    return f"{', '.join(DOCKERFILES[:-1])} or {DOCKERFILES[-1]}"


def _places(directories: list[str]) -> str:
    named = [f"{d}/" if d else "the repository's root" for d in directories]
    return " or ".join(named)
