"""The Q&A's wire format: what one viewer receives for a stored event.

A stored event holds the full (moderator's) state of a question or poll;
these functions shape it for one viewer (anonymity, their vote, their poll
answer). ``webinars.realtime`` encodes each variant once into the frames
sockets send; a reconnecting client's missed events (``qa_events_since``) and
the snapshot use the same shapes.
"""

from .models import QuestionStatus


def question_view(state: dict, *, moderator: bool, voted: bool) -> dict:
    """What one viewer sees of a question: anonymity holds for all but moderators."""
    view = dict(state)
    if state["anonymous"] and not moderator:
        view["author"] = None
    view["voted_by_me"] = voted
    return view


def event_message(
    event_type: str,
    state: dict,
    event_id: int,
    *,
    moderator: bool,
    voted: bool,
    poll_choice: list[int] | None = None,
) -> dict | None:
    """The message one viewer gets for a stored event, or None if it's not theirs.

    Attendees never see pending or hidden questions: a question that becomes
    hidden is ``question.removed`` for them; one still pending is not sent.
    A poll comes with the viewer's own answer (``my_choice``, last in it).
    """
    if event_type.startswith("poll."):
        return {
            "type": event_type,
            "event_id": event_id,
            "poll": poll_view(state, my_choice=poll_choice),
        }
    visible = state.get("status") == QuestionStatus.VISIBLE
    if not moderator and not visible:
        if event_type == "question.created":
            return None
        return {
            "type": "question.removed",
            "question": {"id": state["id"]},
            "event_id": event_id,
        }
    return {
        "type": event_type,
        "question": question_view(state, moderator=moderator, voted=voted),
        "event_id": event_id,
    }


def poll_view(state: dict, *, my_choice: list[int] | None) -> dict:
    """A poll as one viewer sees it: with the answers they chose (None: not
    answered). ``my_choice`` comes last, so a frame can be re-made per viewer."""
    view = {k: v for k, v in state.items() if k != "my_choice"}
    view["my_choice"] = sorted(my_choice) if my_choice is not None else None
    return view
