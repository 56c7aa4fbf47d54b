import { DatabaseSync } from 'node:sqlite';
import { parentPort, workerData } from 'node:worker_threads';
import type { WalCheckpointerData } from './wal-checkpointer.js';

// Copies the write-ahead log into the database file every `intervalMs`, on this thread's own connection.
// PASSIVE takes no write lock and never waits: the service's writes go on meanwhile.
const { file, intervalMs } = workerData as WalCheckpointerData;
const database = new DatabaseSync(file);
const checkpoint = database.prepare('PRAGMA wal_checkpoint(PASSIVE)');
const timer = setInterval(() => checkpoint.get(), intervalMs);

parentPort!.once('message', () => {
  clearInterval(timer);
  database.close();
  parentPort!.close();
});
