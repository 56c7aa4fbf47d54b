import { instructionsOf, words, type Stage } from './dockerfile.js';

/** What a stage can rely on in its base image: a shell, `node` on the PATH, and the users it has. */
interface BaseImage {
  image: RegExp;
  shell: boolean;
  nodeOnPath: boolean;
  users: readonly string[];
}

/**
 * Base images and what they hold. The official Node images (Debian, slim and Alpine variants) have
 * /bin/sh, node on the PATH and a `node` user; distroless has none of these (its node is
 * /nodejs/bin/node, its users root and nonroot). An image not listed is assumed to have none of them.
 */
const KNOWN_BASES: readonly BaseImage[] = [
  {
    image: /^node:\d+(\.\d+)*(-(bookworm|bullseye|trixie)(-slim)?|-slim|-alpine(\d+(\.\d+)*)?)?$/,
    shell: true,
    nodeOnPath: true,
    users: ['root', 'node'],
  },
  {
    image: /^gcr\.io\/distroless\/nodejs\d+-debian\d+(:(latest|nonroot))?$/,
    shell: false,
    nodeOnPath: false,
    users: ['root', 'nonroot'],
  },
];
const UNKNOWN_BASE: Omit<BaseImage, 'image'> = { shell: false, nodeOnPath: false, users: ['root'] };

const SHELLS = /^(\/bin\/|\/usr\/bin\/)?(ba|da|a)?sh$/;

/** Whether a CMD, ENTRYPOINT or HEALTHCHECK needs a shell: shell form, or exec form that starts one. */
function needsShell(args: string): boolean {
  const command = args.replace(/^(--\S+\s+)*CMD\s+/, '');
  if (!command.startsWith('[')) return true;
  return SHELLS.test(words(command)[0] ?? '');
}

/** What a compose healthcheck's `test` needs of the image: a string is run by a shell, as CMD-SHELL. */
function healthcheckNeeds(test: string | readonly string[] | undefined): { shell: boolean; node: boolean } {
  const [form, ...argv] = typeof test === 'string' ? ['CMD-SHELL', test] : (test ?? []);
  if (form === 'CMD-SHELL') return { shell: true, node: /^\s*node\b/.test(argv.join(' ')) };
  if (form === 'CMD') return { shell: SHELLS.test(argv[0] ?? ''), node: argv[0] === 'node' };
  return { shell: false, node: false };
}

/**
 * What the base image of `stage` lacks for the stage to build and run: a shell for RUN and shell-form
 * commands, the USER it switches to (a numeric uid needs no entry), and `node` on the PATH for a
 * compose healthcheck that calls it. Empty when nothing is missing.
 */
export function runtimeBaseProblems(stage: Stage, composeHealthcheck?: string | readonly string[]): string[] {
  const image = stage.image.replace(/@sha256:[0-9a-f]+$/, '');
  const base = KNOWN_BASES.find((known) => known.image.test(image)) ?? UNKNOWN_BASE;
  const problems: string[] = [];
  const shellUsers = [
    ...instructionsOf(stage, 'RUN').map((i) => `RUN ${i.args}`),
    ...['CMD', 'ENTRYPOINT', 'HEALTHCHECK']
      .flatMap((keyword) => instructionsOf(stage, keyword).map((i) => ({ keyword, args: i.args })))
      .filter(({ keyword, args }) => !(keyword === 'HEALTHCHECK' && args === 'NONE') && needsShell(args))
      .map(({ keyword, args }) => `${keyword} ${args}`),
  ];
  if (!base.shell) problems.push(...shellUsers.map((line) => `${image} has no shell for: ${line}`));
  for (const { args } of instructionsOf(stage, 'USER')) {
    const user = args.split(':')[0] ?? '';
    if (!/^\d+$/.test(user) && !base.users.includes(user))
      problems.push(`${image} has no user "${user}" (it has ${base.users.join(', ')})`);
  }
  const health = healthcheckNeeds(composeHealthcheck);
  if (health.shell && !base.shell) problems.push(`${image} has no shell for the compose healthcheck`);
  if (health.node && !base.nodeOnPath)
    problems.push(`${image} has no node on the PATH for the compose healthcheck`);
  return problems;
}
