"""Every private attribute of a library that the platform relies on, one test each.

They are kept only where a benchmark shows they matter (the Q&A fan-out:
``bench/qa_fanout.py``, 1,000 attendees at p99 138 ms instead of 11 s) or
where the test suite needs them; each library is pinned exactly in
``requirements/base.in`` / ``dev.in`` with a comment naming what is used.
When an upgrade changes one of them, its test here fails and says which
code to revisit, instead of the Q&A quietly falling back or breaking.
"""

import asyncio
import inspect
import os
import threading

import pytest


def _source(obj) -> str:
    return inspect.getsource(obj)


# --- webinars/room_transport.py: frames straight to Daphne's sockets ----------


def test_daphne_hands_each_application_a_partial_of_handle_reply_with_the_protocol():
    """``room_transport.transport_of`` unwraps ``send`` to find the protocol."""
    from daphne.server import Server

    assert "send=partial(self.handle_reply, protocol)" in _source(
        Server.create_application
    ), (
        "Daphne no longer passes partial(handle_reply, protocol): "
        "see room_transport.transport_of"
    )


def test_channels_session_wrapper_keeps_the_servers_send_as_real_send():
    """``room_transport.transport_of`` follows ``real_send`` through the wrapper."""
    from channels.sessions import InstanceSessionWrapper

    source = _source(InstanceSessionWrapper)
    assert "self.real_send = send" in source
    assert "await self.real_send(message)" in source


def test_autobahn_protocol_state_queue_stats_and_compression_attributes():
    """``room_transport.transport_of``/``write`` and ``rooms.Hub._send`` read these
    on Autobahn's protocol."""
    from autobahn.websocket.protocol import WebSocketProtocol

    assert WebSocketProtocol.STATE_OPEN == 3
    assert WebSocketProtocol.STATE_CLOSING == 2
    source = _source(WebSocketProtocol)
    for line in (
        "self._perMessageCompress = None",
        "self.send_queue = deque()",
        "self.trafficStats = TrafficStats()",
    ):
        assert line in source, (
            f"Autobahn changed {line!r}: see webinars/room_transport.py"
        )
    assert callable(WebSocketProtocol.sendData)
    from autobahn.websocket.protocol import TrafficStats

    assert hasattr(TrafficStats(), "outgoingOctetsWireLevel")


def test_autobahn_prepared_message_frames_a_text_payload():
    """``room_transport.wire`` builds each frame once with ``PreparedMessage``."""
    from autobahn.websocket.protocol import PreparedMessage

    assert PreparedMessage(b"hi", False, False, True).payloadHybi == b"\x81\x02hi"


def test_twisted_write_buffers_and_socket_handle():
    """``room_transport.backlog`` and ``write`` read Twisted's send buffers and socket."""
    from twisted.internet import abstract, tcp

    init = _source(abstract.FileDescriptor.__init__)
    assert "self._tempDataLen = 0" in init, "see room_transport.backlog"
    assert abstract.FileDescriptor.dataBuffer == b""
    assert abstract.FileDescriptor.offset == 0
    assert hasattr(abstract.FileDescriptor, "connected")
    assert hasattr(abstract.FileDescriptor, "disconnecting")
    assert callable(tcp.Connection.getHandle)
    assert not getattr(tcp.Connection, "TLS", False)


# --- webinars/realtime.py: the server's event loop from a sync thread ---------


def test_asgiref_sets_the_main_event_loop_in_its_threads():
    """``realtime._main_loop`` reads ``SyncToAsync.threadlocal`` in the thread
    a sync view or task runs in, to schedule batching on the server's loop."""
    from asgiref.sync import SyncToAsync, sync_to_async

    def seen():
        return (
            getattr(SyncToAsync.threadlocal, "main_event_loop", None),
            getattr(SyncToAsync.threadlocal, "main_event_loop_pid", None),
        )

    async def main():
        loop, pid = await sync_to_async(seen)()
        return loop is asyncio.get_running_loop(), pid

    same_loop, pid = asyncio.run(main())
    assert same_loop and pid == os.getpid()
    assert isinstance(SyncToAsync.threadlocal, threading.local)


# --- lms/db.py: the consumers' kept connection -------------------------------


def test_channels_database_sync_to_async_wraps_asgirefs_thread_handler():
    """``lms.db.SocketDatabaseSyncToAsync`` replaces Channels' ``thread_handler``
    (which closes the connection after every call) and calls asgiref's."""
    from asgiref.sync import SyncToAsync
    from channels.db import DatabaseSyncToAsync

    assert "thread_handler" in DatabaseSyncToAsync.__dict__
    assert list(inspect.signature(SyncToAsync.thread_handler).parameters)[:2] == [
        "self",
        "loop",
    ]


# --- lms/redis_layer.py: the layer's pop, shielded from cancellation -----------


def test_channels_redis_pops_through_brpop_with_clean_then_backs_up():
    """``lms.redis_layer.ChannelLayer`` wraps ``_brpop_with_clean``: the one
    step that takes a message off Redis (BZPOPMIN) and writes it to the backup
    queue. ``receive_single`` must still reach Redis only through it."""
    from channels_redis.core import RedisChannelLayer

    assert list(inspect.signature(RedisChannelLayer._brpop_with_clean).parameters) == [
        "self",
        "index",
        "channel",
        "timeout",
    ]
    pop = _source(RedisChannelLayer._brpop_with_clean)
    assert pop.index("bzpopmin") < pop.index("zadd(backup_queue"), (
        "channels-redis changed its pop: see lms.redis_layer.ChannelLayer"
    )
    assert "await self._brpop_with_clean(" in _source(RedisChannelLayer.receive_single)


# --- tests/conftest.py: migrated rows back after a transactional test ------


def test_pytest_django_marker_parser_and_blocker_key_exist():
    """``tests/conftest.py`` reads a test's ``django_db`` marker with
    ``validate_django_db`` (to add ``serialized_rollback``) and unblocks the
    database after a transactional test through ``blocking_manager_key``."""
    from pytest_django.fixtures import validate_django_db
    from pytest_django.plugin import blocking_manager_key

    marker = pytest.mark.django_db(transaction=True).mark
    assert validate_django_db(marker) == (True, False, None, False, None)
    assert blocking_manager_key is not None


def test_django_keeps_the_serialized_test_database_on_the_connection():
    """``tests/conftest.py`` reloads ``connection._test_serialized_contents``
    (what ``create_test_db(serialize=True)`` kept) right after a
    transactional test's flush."""
    from django.db.backends.base.creation import BaseDatabaseCreation

    source = _source(BaseDatabaseCreation.create_test_db)
    assert "_test_serialized_contents" in source
    assert hasattr(BaseDatabaseCreation, "deserialize_db_from_string")


@pytest.mark.parametrize(
    ("package", "version"),
    [
        ("daphne", "4.2.3"),
        ("autobahn", "26.10.2"),
        ("Twisted", "26.10.0"),
        ("asgiref", "3.13.0"),
        ("channels", "4.3.2"),
        ("channels-redis", "4.3.0"),
        ("pytest-django", "4.14.0"),
    ],
)
def test_the_packages_whose_privates_are_used_are_the_pinned_versions(package, version):
    from importlib.metadata import version as installed

    assert installed(package) == version, (
        f"{package} is {installed(package)}: re-check the private attributes "
        "tested in this file, then move the pin in requirements/"
    )
