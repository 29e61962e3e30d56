import pytest

from loket.contact.feedback import open_feedback, send_feedback
from loket.contact.problems import InvalidRequest


def test_feedback_is_kept_and_limited(sessions):
    with sessions.begin() as session:
        send_feedback(session, "/help/", "The map has no text", "", "fr")
        with pytest.raises(InvalidRequest) as error:
            send_feedback(session, "/", " ", "x" * 201, "nl")
        assert set(error.value.problems) == {"message", "contact"}
        [kept] = open_feedback(session)
        assert (kept.page, kept.language, kept.contact) == ("/help/", "fr", None)
