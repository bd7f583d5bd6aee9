"""The mail sink of servers and workers that tests start in other processes.

Like Django's file backend, one ``.log`` file per message under
``EMAIL_FILE_PATH``, but each file appears whole or not at all (written
beside, then renamed), as an SMTP server accepts a message whole or not at
all: a process killed mid-send leaves no half message for a test to count.
"""

import datetime
import os
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend


class AtomicFileBackend(BaseEmailBackend):
    def send_messages(self, email_messages) -> int:
        folder = Path(settings.EMAIL_FILE_PATH)
        folder.mkdir(parents=True, exist_ok=True)
        sent = 0
        for message in email_messages:
            data = message.message().as_bytes()
            handle, temporary = tempfile.mkstemp(dir=folder, suffix=".part")
            with os.fdopen(handle, "wb") as file:
                file.write(data)
                file.flush()
                os.fsync(file.fileno())
            stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
            os.replace(temporary, folder / f"{stamp}-{os.getpid()}-{id(message)}.log")
            sent += 1
        return sent
