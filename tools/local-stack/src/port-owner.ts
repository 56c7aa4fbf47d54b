import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/** Inodes of the sockets listening on TCP `port`, from Linux's /proc/net tables. */
function listeningInodes(port: number): Set<string> {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  const inodes = new Set<string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of readFileSync(table, 'utf8').split('\n').slice(1)) {
      // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode
      const fields = line.trim().split(/\s+/);
      const LISTEN = '0A';
      if (fields[3] === LISTEN && fields[1]?.endsWith(`:${hexPort}`) && fields[9] !== '0')
        inodes.add(fields[9]);
    }
  }
  return inodes;
}

/**
 * Whether process `pid` is the one listening on TCP `port`: a health check that reached the port may
 * have been answered by another process (another local stack) that holds it. Undefined where the
 * system cannot say (no Linux /proc, a sandbox that hides socket inodes), and then only the caller's
 * other evidence counts.
 */
export function listensOn(pid: number | undefined, port: number): boolean | undefined {
  if (pid === undefined) return undefined;
  try {
    const inodes = listeningInodes(port);
    if (inodes.size === 0) return undefined;
    const held = readdirSync(`/proc/${pid}/fd`).map((fd) => {
      try {
        return /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`))?.[1];
      } catch {
        return undefined; // closed since the listing
      }
    });
    return held.some((inode) => inode !== undefined && inodes.has(inode));
  } catch {
    return undefined;
  }
}
