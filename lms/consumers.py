"""A WebSocket health probe: monitoring checks that Daphne accepts sockets."""

from channels.generic.websocket import AsyncJsonWebsocketConsumer


class PingConsumer(AsyncJsonWebsocketConsumer):
    """Answers ``{"type": "ping"}`` with ``pong`` and who the socket belongs to."""

    async def connect(self):
        await self.accept()

    async def receive_json(self, content, **kwargs):
        if isinstance(content, dict) and content.get("type") == "ping":
            user = self.scope.get("user")
            await self.send_json(
                {
                    "type": "pong",
                    "authenticated": bool(user and user.is_authenticated),
                }
            )
        else:
            await self.send_json(
                {
                    "type": "error",
                    "code": "unknown_type",
                    "message": 'Send {"type": "ping"}.',
                }
            )

    @classmethod
    async def decode_json(cls, text_data):
        import json

        try:
            return json.loads(text_data)
        except (ValueError, RecursionError):
            return None
