import { COMMANDS, optionsOf } from './command-options.js';
import { helpText } from './usage.js';

/** The options a help text lists: its lines "  --name ..." and "  -h, --help ...". */
const listed = (help: string) =>
  [...help.matchAll(/^ {2}(?:-\w, )?--([\w-]+)/gm)].map(([, name = '']) => name);

describe.each(Object.keys(COMMANDS))('meshctl %s --help', (command) => {
  const help = helpText(command);

  it('starts with its own usage line', () => {
    expect(help.split('\n')[0]).toMatch(new RegExp(`^Usage: meshctl ${command} `));
  });

  it('lists each option the command takes, once, and no other', () => {
    expect(listed(help).sort()).toEqual(Object.keys(optionsOf(command) ?? {}).sort());
  });

  it("is named in the tool's help", () => {
    expect(helpText()).toMatch(new RegExp(`^ {2}${command} `, 'm'));
  });
});
