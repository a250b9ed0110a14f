"""Sequential requests on a kept-alive connection must not each wait for a delayed TCP ACK
(~40 ms on Linux). That happens when accepted sockets lack TCP_NODELAY: asyncio only sets it
on sockets whose `proto` is IPPROTO_TCP, so the listening socket must be made with
`socket.IPPROTO_TCP` explicitly. Checked on the socket itself, not by timing requests (the
per-call latency is a figure in benchmarks/RESULTS.md)."""

from __future__ import annotations

import asyncio
import socket

from sandbox_provider.cli import listening_socket


def test_listening_socket_lets_asyncio_set_tcp_nodelay() -> None:
    sock = listening_socket("127.0.0.1", 0)
    try:
        assert sock.proto == socket.IPPROTO_TCP
        nodelay = _accepted_nodelay(sock)
    finally:
        sock.close()
    assert nodelay, "asyncio left TCP_NODELAY off on the accepted connection"


def _accepted_nodelay(listener: socket.socket) -> bool:
    """Serve one connection with asyncio (as uvicorn does) and read TCP_NODELAY on it."""
    seen: list[bool] = []

    async def main() -> None:
        def on_connect(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            conn = writer.get_extra_info("socket")
            seen.append(bool(conn.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)))
            writer.close()

        server = await asyncio.start_server(on_connect, sock=listener)
        host, port = listener.getsockname()[:2]
        _, writer = await asyncio.open_connection(host, port)
        for _ in range(100):
            if seen:
                break
            await asyncio.sleep(0.01)
        writer.close()
        server.close()

    asyncio.run(main())
    assert seen, "no connection was accepted"
    return seen[0]
