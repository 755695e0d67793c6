/**
 * A TCP proxy between the agent and the broker that holds every broker→agent chunk for `delayMs` (CONNACK,
 * SUBACK, PUBACK, PINGRESP all arrive late), in order. Agent→broker bytes pass at once: the broker is slow to
 * answer, not slow to listen.
 */
import { connect, createServer, type Server, type Socket } from 'node:net';

export class DelayingProxy {
  /** Connections accepted from the agent so far. */
  connections = 0;
  /** Broker→agent chunks delayed so far. */
  chunks = 0;
  private readonly sockets = new Set<Socket>();
  private readonly timers = new Set<NodeJS.Timeout>();

  private constructor(private readonly server: Server, readonly port: number, public delayMs: number) {}

  static async start(brokerPort: number, delayMs: number): Promise<DelayingProxy> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('proxy has no port');
    const proxy = new DelayingProxy(server, address.port, delayMs);
    server.on('connection', (agent) => { proxy.accept(agent, brokerPort); });
    return proxy;
  }

  get url(): string {
    return `mqtt://127.0.0.1:${this.port}`;
  }

  private accept(agent: Socket, brokerPort: number): void {
    this.connections += 1;
    const broker = connect({ host: '127.0.0.1', port: brokerPort });
    for (const s of [agent, broker]) {
      this.sockets.add(s);
      s.on('error', () => { s.destroy(); });
      s.on('close', () => { this.sockets.delete(s); });
    }
    agent.pipe(broker);
    // Each chunk is due no earlier than the one before, so a shorter delay set midway cannot reorder bytes.
    let lastDue = 0;
    const later = (action: () => void): void => {
      lastDue = Math.max(Date.now() + this.delayMs, lastDue);
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        action();
      }, lastDue - Date.now());
      this.timers.add(timer);
    };
    broker.on('data', (chunk: Buffer) => {
      this.chunks += 1;
      later(() => {
        if (!agent.destroyed) agent.write(chunk);
      });
    });
    // The broker closing ends the pair, after the delayed bytes towards the agent have been written.
    broker.on('close', () => { later(() => agent.end()); });
    agent.on('close', () => { broker.destroy(); });
  }

  async stop(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => { resolve(); }));
  }
}
