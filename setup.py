"""The one build setting pyproject.toml cannot express: which packages there are.

Automatic discovery only looks inside ``desktop_uploader/``; the shipped data files stay in ``resources/`` at the
top of the repository and are installed as the package ``desktop_uploader.resources`` (with one subpackage per
folder: icons, translations, ...), which ``[tool.setuptools.package-dir]`` in pyproject.toml maps to that folder.
"""

from setuptools import find_namespace_packages, find_packages, setup

RESOURCES = "desktop_uploader.resources"

setup(packages=[
    *find_packages(include=["desktop_uploader", "desktop_uploader.*"]),
    RESOURCES,
    *(f"{RESOURCES}.{name}" for name in find_namespace_packages(where="resources", exclude=["__pycache__*"])),
])
