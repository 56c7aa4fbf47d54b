import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedWebhook {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** Answers a request to `path`; `attempt` counts requests for the same notification id from 1. */
export type WebhookBehaviour = (attempt: number) => { status: number; delayMs?: number };

/** A real HTTP server on loopback that plays webhook receivers, one behaviour per path. */
export class WebhookReceiver {
  readonly received: ReceivedWebhook[] = [];
  private readonly server: Server;
  private readonly attempts = new Map<string, number>();

  private constructor(private readonly behaviours: Record<string, WebhookBehaviour>) {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const path = request.url ?? '/';
        const body = Buffer.concat(chunks).toString('utf8');
        this.received.push({ path, headers: request.headers, body });
        const key = `${path} ${String(request.headers['x-iotmesh-notification-id'])}`;
        const attempt = (this.attempts.get(key) ?? 0) + 1;
        this.attempts.set(key, attempt);
        const { status, delayMs = 0 } = (this.behaviours[path] ?? (() => ({ status: 404 })))(attempt);
        setTimeout(() => response.writeHead(status).end(), delayMs);
      });
    });
  }

  static async start(behaviours: Record<string, WebhookBehaviour>): Promise<WebhookReceiver> {
    const receiver = new WebhookReceiver(behaviours);
    await new Promise<void>((resolve) => receiver.server.listen(0, '127.0.0.1', resolve));
    return receiver;
  }

  url(path: string): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}${path}`;
  }

  /** Requests for one notification, in arrival order. */
  requestsFor(notificationId: string): ReceivedWebhook[] {
    return this.received.filter((r) => r.headers['x-iotmesh-notification-id'] === notificationId);
  }

  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
