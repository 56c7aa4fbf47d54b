import { PendingDevices } from './pending-devices.js';

describe('PendingDevices', () => {
  it('becomes what the table holds, keeping devices added while it was being read', () => {
    const devices = new PendingDevices();
    devices.add(['a', 'b']);
    const mark = devices.mark();
    devices.add(['c']); // queued while the table was read: the read may not have seen it
    devices.replace(['b', 'd'], mark);
    expect(['a', 'b', 'c', 'd'].filter((d) => devices.has(d))).toEqual(['b', 'c', 'd']);
    expect(devices.size).toBe(3);
    // The next read, begun after c was added, decides about c too.
    devices.replace([], devices.mark());
    expect(devices.size).toBe(0);
  });
});
