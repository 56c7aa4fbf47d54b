import type { WindowKey } from '../aggregates/domain/window.js';

// UTF-16 puts the code points past U+FFFF (surrogate pairs) before U+E000–U+FFFF, code point order
// after them; ranking the first code units that differ so turns the one order into the other.
const codePointRank = (unit: number) =>
  unit >= 0xe000 ? unit - 0x800 : unit >= 0xd800 ? unit + 0x2000 : unit;

/** Text by code point, which is how SQLite's BINARY and PostgreSQL's "C" collation order it (UTF-8 bytes). */
export function compareText(a: string, b: string): number {
  if (a === b) return 0;
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codePointRank(x) - codePointRank(y);
  }
  return a.length - b.length;
}

/**
 * The order window rows are locked in, the same as selectWindows' ORDER BY. A call locks its windows
 * chunk after chunk in this one order, so two calls on PostgreSQL wait for each other instead of each
 * holding a row the other needs.
 */
export function compareLockOrder(a: WindowKey, b: WindowKey): number {
  return (
    compareText(a.deviceId, b.deviceId) ||
    a.sensorType - b.sensorType ||
    compareText(a.customSensor, b.customSensor) ||
    a.window - b.window ||
    a.startTime - b.startTime
  );
}
