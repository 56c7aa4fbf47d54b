import type { OptionSpecs } from './option-spec.js';

const WIDTH = 106;
/** Where the help text of an option starts. */
const COLUMN = 28;

/** Greedy word wrap: lines of at most `width` characters (a longer word gets a line of its own). */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  return line ? [...lines, line] : lines;
}

/** "  --tag T                   stable's image tag", one entry per option, the text wrapped under itself. */
export function optionList(specs: OptionSpecs): string {
  return Object.entries(specs)
    .flatMap(([name, { short, value, help }]) => {
      const head = `  ${short ? `-${short}, ` : ''}--${name}${value ? ` ${value}` : ''}`;
      const [first = '', ...rest] = wrap(help, WIDTH - COLUMN);
      const indent = ' '.repeat(COLUMN);
      return [`${head.padEnd(COLUMN)}${first}`, ...rest.map((line) => `${indent}${line}`)];
    })
    .join('\n');
}
