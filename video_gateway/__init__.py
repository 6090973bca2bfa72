"""Live video gateway: signalling, room state and tokens for customer <-> advisor calls.

Media flows browser to browser (TURN when needed); the gateway only runs an aiortc peer where
the server must see media (consented recording). See ``docs/video-protocol.md``.
"""

__version__ = "1.0.0"
