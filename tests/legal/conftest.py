"""The mail tests' in-process SMTP server, for the feedback mail to the city."""

from tests.mail.conftest import smtp, smtp_controller  # noqa: F401 - fixtures
