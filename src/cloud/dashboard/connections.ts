/**
 * The server's sockets and whether each is serving a request, so close() can drop idle ones at once.
 * `server.closeIdleConnections()` misses sockets on which no request has started yet (clients, browsers
 * included, open spare connections ahead of need), and `server.close()` would then wait for them to time out.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

export class Connections {
  private readonly active = new Map<Socket, number>();

  /** Call once, before listen. */
  track(server: Server): void {
    server.on('connection', (socket: Socket) => {
      this.active.set(socket, 0);
      socket.once('close', () => { this.active.delete(socket); });
    });
  }

  /** Call for every request, before answering it. */
  begin(req: IncomingMessage, res: ServerResponse): void {
    const socket = req.socket;
    const count = this.active.get(socket);
    if (count === undefined) return;
    this.active.set(socket, count + 1);
    res.once('close', () => {
      const now = this.active.get(socket);
      if (now !== undefined) this.active.set(socket, Math.max(0, now - 1));
    });
  }

  /** Destroys every socket with no request in flight. */
  dropIdle(): void {
    for (const [socket, count] of this.active) if (count === 0) socket.destroy();
  }
}
