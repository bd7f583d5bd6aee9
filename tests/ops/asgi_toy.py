"""A tiny ASGI application for the shutdown tests: a slow page and a socket.

``GET /slow`` answers after 2 s (a request in flight when SIGTERM arrives);
``GET /`` answers at once; ``/ws`` accepts and echoes, and records the close
code it is given in the file named by ``TOY_CLOSE_LOG``.
"""

import asyncio
import os


async def application(scope, receive, send):
    if scope["type"] == "http":
        await receive()
        if scope["path"] == "/slow":
            await asyncio.sleep(2)
            body = b"finished"
        else:
            body = b"ok"
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": body})
    elif scope["type"] == "websocket":
        while True:
            event = await receive()
            if event["type"] == "websocket.connect":
                await send({"type": "websocket.accept"})
            elif event["type"] == "websocket.receive":
                await send({"type": "websocket.send", "text": event.get("text") or ""})
            elif event["type"] == "websocket.disconnect":
                log = os.environ.get("TOY_CLOSE_LOG")
                if log:
                    with open(log, "a") as out:
                        out.write(f"{event.get('code')}\n")
                return
