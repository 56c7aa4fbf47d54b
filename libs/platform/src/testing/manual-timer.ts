import type { LingerTimer } from '../client/call-coalescer.js';

/** A linger timer the test fires by hand, recording the delays it was armed with. */
export class ManualTimer implements LingerTimer {
  private readonly armed = new Map<number, () => void>();
  readonly delays: number[] = [];
  private nextHandle = 1;

  start(callback: () => void, delayMs: number): unknown {
    this.delays.push(delayMs);
    const handle = this.nextHandle++;
    this.armed.set(handle, callback);
    return handle;
  }

  cancel(handle: unknown): void {
    this.armed.delete(handle as number);
  }

  get armedCount(): number {
    return this.armed.size;
  }

  /** Runs every armed callback once. */
  fire(): void {
    const callbacks = [...this.armed.values()];
    this.armed.clear();
    for (const callback of callbacks) callback();
  }
}
