"""Twilio's REST client of ``sms_twilio``, taught one more error code and made robust per text.

Stock ``SmsApiTwilio._send_sms_batch`` calls ``response.json()`` on every answer and turns any
network error into a plain server error: an HTML error page fails the whole batch (texts never
attempted included) and a timeout after the request left is indistinguishable from a refused
connection. Here every answer is reduced to a JSON verdict for its own text:

* ``dealer_retry``: the provider certainly did not take the text (5xx, 429, connection refused
  or connect timeout): the queue tries again later;
* ``dealer_uncertain``: the request may have reached the provider (read timeout, connection
  lost after sending, a 2xx that is not JSON): never sent again automatically.
"""

import json
import logging
import threading
from concurrent.futures import ThreadPoolExecutor

import requests
from urllib3.exceptions import NameResolutionError, NewConnectionError

from odoo.addons.sms_twilio.tools.sms_api import SmsApiTwilio

_logger = logging.getLogger(__name__)

# "Attempt to send to unsubscribed recipient": the customer texted STOP to Twilio directly
TWILIO_UNSUBSCRIBED = 21610
TWILIO_UNSUBSCRIBED_STATE = "twilio_unsubscribed"
TWILIO_TOO_MANY_REQUESTS = 20429
RETRY_STATE = "dealer_retry"
UNCERTAIN_STATE = "dealer_uncertain"
# texts of one batch handed to Twilio at the same time (its API takes far more concurrent
# requests; each text is one HTTP exchange, mostly waiting on the network)
CONCURRENT_REQUESTS = 6


class _RecordingSession:
    """A ``requests.Session`` stand-in that remembers whether ``post`` was called and what it
    raised (stock code swallows the exception)."""

    def __init__(self, session):
        self._session = session
        self.posted = False
        self.error = None

    def post(self, *args, **kwargs):
        self.posted = True
        try:
            return self._session.post(*args, **kwargs)
        except requests.exceptions.RequestException as error:
            self.error = error
            raise


class _CapturingSession:
    """A ``requests.Session`` stand-in that only records what stock code would post: the
    request is prepared with the ORM in the cursor's thread, and sent by another thread."""

    def __init__(self):
        self.call = None

    def post(self, *args, **kwargs):
        self.call = (args, kwargs)


def _post_and_verdict(post, call):
    """Send one prepared request; its answer, or the verdict standing for a failed exchange.
    Runs in a sending thread: HTTP only, no ORM."""
    args, kwargs = call
    try:
        response = post(*args, **kwargs)
    except requests.exceptions.RequestException as error:
        _logger.warning("Twilio SMS API error: %s", error)
        if _never_reached_provider(error):
            return _verdict_response(599, RETRY_STATE, str(error))
        return _verdict_response(599, UNCERTAIN_STATE, str(error) or type(error).__name__)
    except Exception as error:  # noqa: BLE001 - one text's failure must not fail the batch
        _logger.warning("Twilio SMS: could not be handed to Twilio: %s", error)
        return _verdict_response(599, UNCERTAIN_STATE, str(error) or type(error).__name__)
    return DealerSmsApiTwilio._dealer_checked_response(response)


def _verdict_response(status_code, state, message):
    """A JSON answer standing for a failed exchange (read by ``_send_sms_batch``)."""
    response = requests.Response()
    response.status_code = status_code
    response._content = json.dumps({"dealer_state": state, "message": message}).encode()
    response.headers["Content-Type"] = "application/json"
    return response


def _never_reached_provider(error):
    """Whether a request error proves the request never left (nothing to fear from a retry)."""
    if isinstance(error, requests.exceptions.ConnectTimeout):
        return True
    if isinstance(error, requests.exceptions.ConnectionError) and not isinstance(
            error, requests.exceptions.ReadTimeout):
        reason = getattr(error.args[0], "reason", None) if error.args else None
        return isinstance(reason, (NewConnectionError, NameResolutionError))
    return False


class DealerSmsApiTwilio(SmsApiTwilio):
    PROVIDER_TO_SMS_FAILURE_TYPE = SmsApiTwilio.PROVIDER_TO_SMS_FAILURE_TYPE | {
        TWILIO_UNSUBSCRIBED_STATE: "sms_blacklist",
        RETRY_STATE: "sms_server",
        UNCERTAIN_STATE: "dealer_uncertain",
    }

    _dealer_answers = None

    def _send_sms_batch(self, messages, delivery_reports_url=False):
        """Stock sending, with the texts of the batch handed to Twilio several at a time.

        The requests are prepared in this thread (company, sender number, callback: ORM),
        sent by a few threads doing HTTP only, and their answers read by stock code here,
        in this thread, text by text: each text keeps its own verdict.
        """
        calls = {}
        for message in messages:
            for number_info in message.get("numbers") or []:
                calls[number_info["uuid"]] = self._dealer_prepare_request(
                    number_info["number"], message.get("content") or "", number_info["uuid"])
        to_post = {uuid: call for uuid, call in calls.items() if call is not None}
        if len(to_post) > 1:
            self._dealer_answers = self._dealer_post_all(to_post)
        try:
            return super()._send_sms_batch(messages, delivery_reports_url=delivery_reports_url)
        finally:
            self._dealer_answers = None

    def _dealer_prepare_request(self, to_number, body, uuid):
        """What stock code would post for one text, or None if preparing it failed (it is
        then sent, and fails, the stock way, text by text)."""
        capture = _CapturingSession()
        try:
            # stock preparation only (this class's override would send it)
            SmsApiTwilio._sms_twilio_send_request(self, capture, to_number, body, uuid)
        except Exception:  # noqa: BLE001 - handled again when this text is sent alone
            return None
        return capture.call

    @staticmethod
    def _dealer_post_all(calls):
        """{uuid: answer} of the prepared requests, ``CONCURRENT_REQUESTS`` at a time, one
        ``requests.Session`` per sending thread (a session is not shared across threads)."""
        local = threading.local()
        sessions = []

        def post(call):
            if not hasattr(local, "session"):
                local.session = requests.Session()
                sessions.append(local.session)
            return _post_and_verdict(local.session.post, call)

        try:
            with ThreadPoolExecutor(min(CONCURRENT_REQUESTS, len(calls)),
                                    thread_name_prefix="dealer-twilio") as pool:
                return dict(zip(calls, pool.map(post, calls.values()), strict=True))
        finally:
            for session in sessions:
                session.close()

    def _sms_twilio_send_request(self, session, to_number, body, uuid):
        """One text, one JSON verdict: never raises, never returns a non-JSON answer."""
        if self._dealer_answers and uuid in self._dealer_answers:
            return self._dealer_answers[uuid]
        recorder = _RecordingSession(session)
        try:
            response = super()._sms_twilio_send_request(recorder, to_number, body, uuid)
        except Exception as error:  # noqa: BLE001 - one text's failure must not fail the batch
            _logger.warning("Twilio SMS %s: could not be handed to Twilio: %s", uuid, error)
            state = UNCERTAIN_STATE if recorder.posted else RETRY_STATE
            return _verdict_response(599, state, str(error) or type(error).__name__)
        if response is None:
            error = recorder.error
            if error is not None and _never_reached_provider(error):
                return _verdict_response(599, RETRY_STATE, str(error))
            return _verdict_response(599, UNCERTAIN_STATE, str(error or "no answer"))
        return self._dealer_checked_response(response)

    @staticmethod
    def _dealer_checked_response(response):
        """``response`` if it carries Twilio's JSON, else the verdict it stands for."""
        try:
            payload = response.json()
        except ValueError:
            payload = None
        retryable = response.status_code >= 500 or response.status_code == 429
        if isinstance(payload, dict) and not retryable:
            return response
        message = f"HTTP {response.status_code} from Twilio"
        if retryable:
            return _verdict_response(response.status_code, RETRY_STATE, message)
        if response.ok:
            # the provider answered 2xx with something unreadable: it may well have the text
            return _verdict_response(599, UNCERTAIN_STATE, message)
        return _verdict_response(response.status_code, "unknown", message)

    def _twilio_error_code_to_odoo_state(self, response_json):
        if response_json.get("dealer_state"):
            return response_json["dealer_state"]
        code = response_json.get("code") or response_json.get("error_code")
        if str(code) == str(TWILIO_UNSUBSCRIBED):
            return TWILIO_UNSUBSCRIBED_STATE
        return super()._twilio_error_code_to_odoo_state(response_json)
