import { IdTable } from './id-table.js';

describe('IdTable', () => {
  it('keeps values by id as a Map does', () => {
    const table = new IdTable<string>();
    expect(table.set(1, 'a').set(3, 'b').set(1, 'a2')).toBe(table);
    expect(table.size).toBe(2);
    expect(table.get(1)).toBe('a2');
    expect(table.has(3)).toBe(true);
    expect(table.get(5)).toBeUndefined();
    expect(table.delete(3)).toBe(true);
    expect(table.delete(3)).toBe(false);
    expect(table.has(3)).toBe(false);
    expect(table.size).toBe(1);
    expect([...table]).toEqual([[1, 'a2']]);
    table.clear();
    expect(table.size).toBe(0);
    expect([...table.values()]).toEqual([]);
  });

  it('does not visit a value deleted during a walk, and visits the rest in id order', () => {
    const table = new IdTable<string>();
    for (const id of [7, 1, 3, 5]) table.set(id, `s${id}`);
    const visited: number[] = [];
    table.forEach((_stream, id) => {
      visited.push(id);
      table.delete(id);
      if (id === 1) table.delete(5);
    });
    expect(visited).toEqual([1, 3, 7]);
    expect(table.size).toBe(0);
    expect([...table.keys()]).toEqual([]);
  });
});
