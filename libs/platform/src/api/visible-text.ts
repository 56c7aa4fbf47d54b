/**
 * How the platform measures text, in one place so the gateway, every service and the OpenAPI document
 * agree: characters are code points, as people and JSON Schema's maxLength count them (Zod's string max
 * does too), not UTF-16 units; a text is blank when nothing of it shows.
 */

/** The number of characters (code points) of `text`. */
export function characterCount(text: string): number {
  let count = 0;
  // A string's iterator yields code points: a surrogate pair is one.
  for (const _ of text) count++;
  return count;
}

/**
 * A character that shows: neither a space (White_Space) nor a format character such as a zero-width
 * space or a bidi control (Unicode category Cf), which render as nothing.
 */
export const VISIBLE_CHARACTER = /[^\s\p{Cf}]/u;

/** Whether `text` is empty or shows nothing (spaces, zero-width and bidi characters only). */
export const isBlank = (text: string): boolean => !VISIBLE_CHARACTER.test(text);
