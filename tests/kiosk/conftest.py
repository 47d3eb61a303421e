"""Fixtures for the kiosk rules' tests."""

from tests.kiosk.fleet import fleet  # noqa: F401 - the fleet tests' endpoint, bucket and devices
