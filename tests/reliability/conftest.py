"""The reliability harness: a real prefork Odoo 19 with the addon, a Twilio stand-in at the HTTP
boundary and an SMTP sink, shared by the whole session (installing takes a minute or two).

Helpers live in ``rel_dealer`` (the configured dealership), ``rel_odoo`` (database, server,
clients), ``rel_twilio`` (the provider), ``rel_smtp`` (the mail server) and ``rel_leads``
(inquiries and inbound texts). ``REL_KEEP=1`` keeps the database and the logs for a look.
"""

import os
import shutil
import tempfile
from pathlib import Path

import pytest
import rel_odoo
from rel_dealer import ACCOUNT_SID, AUTH_TOKEN, Dealer, running_dealer
from rel_smtp import SmtpSink
from rel_twilio import TwilioStandIn, make_certificates


def pytest_collection_modifyitems(items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.reliability)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    odoo = item.funcargs.get("odoo") if hasattr(item, "funcargs") else None
    if report.failed and isinstance(odoo, Dealer):
        report.sections.append(("Odoo log (tail)", odoo.server.log_tail(60)))


@pytest.fixture(scope="session")
def workdir():
    path = Path(tempfile.mkdtemp(prefix="dealer-reliability-"))
    yield path
    if not os.environ.get("REL_KEEP"):
        shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(scope="session")
def twilio(workdir):
    standin = TwilioStandIn(ACCOUNT_SID, AUTH_TOKEN, make_certificates(workdir))
    yield standin
    standin.close()


@pytest.fixture(scope="session")
def smtp():
    sink = SmtpSink()
    yield sink
    sink.close()


@pytest.fixture(scope="session")
def odoo(workdir, twilio, smtp):
    if not rel_odoo.odoo_available():
        pytest.skip(f"Odoo 19 not found at {rel_odoo.odoo_tests.ODOO_PATH} (set ODOO_PATH)")
    with running_dealer(workdir, twilio, smtp, keep=bool(os.environ.get("REL_KEEP"))) as dealer:
        yield dealer
