import { z } from 'zod';

// The limits docs/configuration.md states in a default cell, tried against the variable's schema.

/** Past what Node's timers take, and what a limitless duration would still take: a probe for upper limits. */
const BEYOND_TIMERS = 2 ** 31;

const NUMBER = String.raw`(-?\d[\d,]*)`;
const number = (text: string) => Number(text.replace(/,/g, ''));

/** The limits a default cell states after its default: "from A to B", "N or more", "above N". */
export interface StatedLimits {
  /** The lowest value taken; `above` instead when it says "above N". */
  min?: number;
  above?: number;
  max?: number;
}

export function statedLimits(cell: string): StatedLimits {
  const range = new RegExp(`\\bfrom ${NUMBER} to ${NUMBER}\\b`).exec(cell);
  if (range?.[1] && range[2]) return { min: number(range[1]), max: number(range[2]) };
  const orMore = new RegExp(`\\b${NUMBER} or more\\b`).exec(cell);
  if (orMore?.[1]) return { min: number(orMore[1]) };
  const above = new RegExp(`\\babove ${NUMBER}\\b`).exec(cell);
  if (above?.[1]) return { above: number(above[1]) };
  return {};
}

const takes = (field: z.core.$ZodType, value: number) => z.safeParse(field, String(value)).success;

/**
 * What the cell of a number variable gets wrong about the values its schema takes: a stated limit the
 * schema does not hold at either end, or a limit the schema holds that the cell leaves out (0, or a
 * value past 2^31, refused without a word). Variables whose default is not a number are not tried.
 */
export function limitProblems(cell: string, field: z.core.$ZodType): string[] {
  const fallback = z.safeParse(field, undefined);
  if (!fallback.success || typeof fallback.data !== 'number') return [];
  const { min, above, max } = statedLimits(cell);
  const problems: string[] = [];
  const expect = (value: number, taken: boolean, why: string) => {
    if (takes(field, value) !== taken)
      problems.push(`${why}, yet the schema ${taken ? 'refuses' : 'takes'} ${value}`);
  };
  if (min !== undefined) {
    expect(min, true, `the document says from ${min}`);
    expect(min - 1, false, `the document says from ${min}`);
  } else if (above !== undefined) {
    expect(above, false, `the document says above ${above}`);
    expect(above + 1, true, `the document says above ${above}`);
  } else if (!takes(field, 0)) {
    problems.push('the schema refuses 0, and the document states no lower limit');
  }
  if (max !== undefined) {
    expect(max, true, `the document says up to ${max}`);
    expect(max + 1, false, `the document says up to ${max}`);
  } else if (!takes(field, BEYOND_TIMERS)) {
    problems.push(`the schema refuses ${BEYOND_TIMERS}, and the document states no upper limit`);
  }
  return problems;
}
