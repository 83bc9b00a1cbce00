import { WebSocket } from 'ws';

/**
 * A GraphQL over WebSocket client that speaks the protocol by hand, for
 * tests that assert exact messages and close frames, or that stop reading
 * on purpose (a slow consumer).
 */
export class RawClient {
  readonly messages: Record<string, any>[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  private readonly waiters: (() => void)[] = [];

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => {
      this.messages.push(JSON.parse(String(data)) as Record<string, any>);
      for (const wake of this.waiters.splice(0)) wake();
    });
    this.closed = new Promise((resolve) => {
      socket.once('close', (code, reason) => {
        resolve({ code, reason: reason.toString() });
        for (const wake of this.waiters.splice(0)) wake();
      });
    });
  }

  /**
   * Connects to `url` (ws://…/graphql) and, unless `payload` is null, sends
   * `connection_init` with it and waits for the answer (an ack or a close),
   * as a client must before it subscribes.
   */
  static async connect(url: string, payload: Record<string, unknown> | undefined | null = undefined, headers: Record<string, string> = {}): Promise<RawClient> {
    const socket = new WebSocket(url, 'graphql-transport-ws', { headers });
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    const client = new RawClient(socket);
    if (payload === null) return client;
    client.send({ type: 'connection_init', ...(payload === undefined ? {} : { payload }) });
    await Promise.race([client.closed, client.waitFor((message) => message['type'] === 'connection_ack')]).catch(() => undefined);
    return client;
  }

  send(message: Record<string, unknown>): void {
    this.socket.send(JSON.stringify(message));
  }

  subscribe(id: string, query: string, variables?: Record<string, unknown>): void {
    this.send({ id, type: 'subscribe', payload: { query, ...(variables ? { variables } : {}) } });
  }

  /** Waits until a message satisfies `found` (or the socket closes), and returns it. */
  async waitFor(found: (message: Record<string, any>) => boolean, timeoutMs = 5000): Promise<Record<string, any>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const message = this.messages.find(found);
      if (message) return message;
      if (this.socket.readyState === WebSocket.CLOSED) throw new Error(`closed (${JSON.stringify(await this.closed)}) before the message came; got ${JSON.stringify(this.messages)}`);
      if (Date.now() > deadline) throw new Error(`timed out; got ${JSON.stringify(this.messages)}`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
  }

  /** The `next` payloads of subscription `id`, so far. */
  nexts(id: string): Record<string, any>[] {
    return this.messages.filter((message) => message['id'] === id && message['type'] === 'next').map((message) => message['payload']);
  }

  /** Stops reading from the socket: the server's sends pile up in the kernel, then in the server. */
  pause(): void {
    this.underlying().pause();
  }

  resume(): void {
    this.underlying().resume();
  }

  close(): void {
    this.socket.close();
  }

  private underlying(): { pause(): void; resume(): void } {
    // ws keeps its net.Socket private; pausing it is the only way to stop reading.
    return (this.socket as unknown as { _socket: { pause(): void; resume(): void } })._socket;
  }
}

/** Resolves after `ms` milliseconds. */
export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
