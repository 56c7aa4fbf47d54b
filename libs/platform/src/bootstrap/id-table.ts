/**
 * Things by numeric id, with a Map's methods, for maps that many short-lived entries pass through. A Map
 * (or Set) rehashes into a new hash table every few dozen of them and its old table keeps pointing at
 * the new one; once one of those tables is in the old generation, every later table and every entry in
 * it outlives the young collections until a full one. The ids are a plain object's keys here, whose
 * storage links to nothing when it grows. Used for Node's HTTP/2 streams (http2-stream-tables) and
 * grpc-js's active calls (grpc-active-call-tables). It has all of a Map's reading and writing methods,
 * not only those Node calls today: it stands in for Node's own Map, and a method missing would throw
 * inside Node's HTTP/2 code.
 */
export class IdTable<Value> {
  private byId: Record<number, Value> = Object.create(null) as Record<number, Value>;
  private count = 0;

  get size(): number {
    return this.count;
  }

  get(id: number): Value | undefined {
    return this.byId[id];
  }

  has(id: number): boolean {
    return id in this.byId;
  }

  set(id: number, value: Value): this {
    if (!(id in this.byId)) this.count += 1;
    this.byId[id] = value;
    return this;
  }

  delete(id: number): boolean {
    if (!(id in this.byId)) return false;
    delete this.byId[id];
    this.count -= 1;
    return true;
  }

  clear(): void {
    this.byId = Object.create(null) as Record<number, Value>;
    this.count = 0;
  }

  /** Like a Map's: an entry deleted while the walk is under way is not visited. */
  forEach(visit: (value: Value, id: number, table: this) => void): void {
    for (const [id, value] of this.entries()) visit(value, id, this);
  }

  *entries(): IterableIterator<[number, Value]> {
    for (const key of Object.keys(this.byId)) {
      const id = Number(key);
      if (id in this.byId) yield [id, this.byId[id]];
    }
  }

  *keys(): IterableIterator<number> {
    for (const [id] of this.entries()) yield id;
  }

  *values(): IterableIterator<Value> {
    for (const [, value] of this.entries()) yield value;
  }

  [Symbol.iterator](): IterableIterator<[number, Value]> {
    return this.entries();
  }
}
