import { mapConcurrently } from '@iot-mesh/platform';
import { setTimeout as sleep } from 'node:timers/promises';
import { OperatorCallError, type IssuedKey, type KeySummary, type OperatorApi } from './operator-api.js';
import { newRunId } from './readings.js';

/** Keys this tool issues say so, so that it only ever revokes its own. */
export const KEY_DESCRIPTION = 'iot-mesh loadgen';
const ACTIVE = 'KEY_STATE_ACTIVE';
/** How long clean-up waits for the key of a request that timed out (the registry may still be hashing it). */
export const UNANSWERED_KEY_WAIT_MS = 10_000;
const FIRST_LOOK_AGAIN_MS = 100;
const LAST_LOOK_AGAIN_MS = 2_000;

/** A key issued by this tool, in any run (before runs were named, the description was this alone). */
export const isLoadgenKey = (key: Pick<KeySummary, 'description'>) =>
  key.description === KEY_DESCRIPTION || key.description.startsWith(`${KEY_DESCRIPTION} `);

export interface RunKeysOptions {
  /** Names the run in the keys' description; unique by default. */
  runName?: string;
  /** How long clean-up waits for the key of a request that ended without a clear answer. */
  unansweredKeyWaitMs?: number;
  log?: (line: string) => void;
}

/**
 * The device keys of one run. Each carries a description naming the run, so that clean-up lists a
 * device's keys and revokes exactly this run's, including any whose answer never came back (the
 * request timed out while the registry was still hashing the key), and never another run's.
 */
export class RunKeys {
  readonly description: string;
  /** Devices a key was asked for, with the ids of the keys that came back. */
  private readonly asked = new Map<string, Set<string>>();
  /** Devices whose key request ended without a clear answer (a timeout, a 5xx): a key may exist all the same. */
  private readonly unanswered = new Set<string>();
  private readonly waitMs: number;

  constructor(
    private readonly api: OperatorApi,
    private readonly options: RunKeysOptions = {},
  ) {
    this.description = `${KEY_DESCRIPTION} ${options.runName ?? newRunId()}`;
    this.waitMs = options.unansweredKeyWaitMs ?? UNANSWERED_KEY_WAIT_MS;
  }

  /**
   * Issues the device a key for this run. A device that already holds the most keys allowed, e.g.
   * after runs that were killed before cleaning up, first has this tool's oldest key revoked.
   */
  async issue(deviceId: string): Promise<IssuedKey> {
    try {
      return await this.request(deviceId);
    } catch (error) {
      if (!(error instanceof OperatorCallError) || error.reason !== 'DEVICE_KEY.LIMIT') throw error;
      const ours = (await this.api.listKeys(deviceId))
        .filter((k) => k.state === ACTIVE && isLoadgenKey(k))
        .sort((a, b) => a.createTime.localeCompare(b.createTime));
      if (ours.length === 0) throw error; // every key belongs to someone else: not ours to revoke
      await this.api.revokeKey(deviceId, ours[0].keyId);
      return this.request(deviceId);
    }
  }

  /**
   * Revokes every active key of this run, found by listing each device's keys, and returns what
   * could not be revoked (the run's result stands regardless). Where a key request ended without a
   * clear answer, it looks again for a while, until that key shows up.
   */
  async revokeAll(concurrency: number): Promise<string[]> {
    if (this.unanswered.size > 0) {
      this.options.log?.(
        `${this.unanswered.size} key requests ended without a clear answer: waiting up to ${this.waitMs / 1000} s for their keys to show up, to revoke them`,
      );
    }
    const problems = await mapConcurrently([...this.asked], concurrency, ([deviceId, received]) =>
      this.revokeDevice(deviceId, received),
    );
    return problems.flat();
  }

  private async request(deviceId: string): Promise<IssuedKey> {
    const received = this.asked.get(deviceId) ?? new Set<string>();
    this.asked.set(deviceId, received);
    try {
      const issued = await this.api.issueKey(deviceId, this.description);
      received.add(issued.keyId);
      return issued;
    } catch (error) {
      if (!(error instanceof OperatorCallError) || error.outcomeUnknown) this.unanswered.add(deviceId);
      throw error;
    }
  }

  private async revokeDevice(deviceId: string, received: ReadonlySet<string>): Promise<string[]> {
    const giveUpAt = performance.now() + (this.unanswered.has(deviceId) ? this.waitMs : 0);
    const notRevoked = new Map<string, string>();
    for (let pause = FIRST_LOOK_AGAIN_MS; ; pause = Math.min(2 * pause, LAST_LOOK_AGAIN_MS)) {
      let ours: KeySummary[];
      try {
        ours = (await this.api.listKeys(deviceId)).filter((k) => k.description === this.description);
      } catch (error) {
        // Without the list, the keys that came back are still known.
        const unseen = this.unanswered.has(deviceId)
          ? `, and a key of this run may be active there (description "${this.description}")`
          : '';
        const listed = `the keys of ${deviceId} could not be listed (${(error as Error).message})${unseen}`;
        const known = [...received].filter((keyId) => keyId !== '');
        return [listed, ...notRevoked.values(), ...(await this.revokeKeys(deviceId, known))];
      }
      for (const key of ours.filter((k) => k.state === ACTIVE)) {
        notRevoked.delete(key.keyId);
        const [problem] = await this.revokeKeys(deviceId, [key.keyId]);
        if (problem) notRevoked.set(key.keyId, problem);
      }
      const found = ours.some((k) => !received.has(k.keyId));
      if (!this.unanswered.has(deviceId) || found) return [...notRevoked.values()];
      if (performance.now() >= giveUpAt) {
        return [
          ...notRevoked.values(),
          `a key request for ${deviceId} ended without a clear answer, and no key had shown up ${this.waitMs / 1000} s later; if one does (description "${this.description}"), revoke it`,
        ];
      }
      await sleep(pause);
    }
  }

  private async revokeKeys(deviceId: string, keyIds: readonly string[]): Promise<string[]> {
    const problems: string[] = [];
    for (const keyId of keyIds) {
      try {
        await this.api.revokeKey(deviceId, keyId);
      } catch (error) {
        problems.push(`key ${keyId} of ${deviceId} was not revoked: ${(error as Error).message}`);
      }
    }
    return problems;
  }
}
