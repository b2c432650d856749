"""A Django test runner that also writes JUnit XML (reports/junit.xml), for `manage.py test`.

The pipeline puts this file on the test container's PYTHONPATH and runs
`manage.py test --testrunner=junit_runner.JUnitRunner`; unittest-xml-reporting writes the XML.
"""

import unittest
from typing import Any

import xmlrunner  # type: ignore[import-not-found]
from django.test.runner import DiscoverRunner  # type: ignore[import-not-found]

OUTPUT = "reports/junit.xml"


class JUnitRunner(DiscoverRunner):  # type: ignore[misc]
    """Django's own runner, its results also written as JUnit XML."""

    def run_suite(self, suite: unittest.TestSuite, **kwargs: Any) -> unittest.TestResult:
        """Run `suite` as Django would, writing OUTPUT as it goes."""
        with open(OUTPUT, "wb") as output:
            runner = xmlrunner.XMLTestRunner(
                output=output, verbosity=self.verbosity, failfast=self.failfast
            )
            result: unittest.TestResult = runner.run(suite)
            return result
