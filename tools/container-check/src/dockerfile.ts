export interface Instruction {
  keyword: string;
  args: string;
}

export interface Stage {
  /** The FROM image with global ARG defaults substituted. */
  image: string;
  name?: string;
  instructions: Instruction[];
}

export interface Dockerfile {
  stages: Stage[];
}

/** Instructions with continuation lines joined, comments and blank lines dropped. */
function instructions(text: string): Instruction[] {
  const logical = text
    .split('\n')
    .filter((line) => !/^\s*#/.test(line))
    .join('\n')
    .replace(/\\\n/g, ' ');
  return logical
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const [keyword = '', ...rest] = line.split(/\s+/);
      return { keyword: keyword.toUpperCase(), args: rest.join(' ') };
    });
}

/** `$NAME` and `${NAME}` from `values`; unknown names stay as written. */
export function substitute(text: string, values: Record<string, string>): string {
  return text.replace(/\$\{(\w+)\}|\$(\w+)/g, (match, braced?: string, bare?: string) => {
    const name = braced ?? bare ?? '';
    return values[name] ?? match;
  });
}

/** Splits a Dockerfile into stages; ARGs before the first FROM only feed FROM lines. */
export function parseDockerfile(text: string): Dockerfile {
  const globalArgs: Record<string, string> = {};
  const stages: Stage[] = [];
  for (const instruction of instructions(text)) {
    const current = stages.at(-1);
    if (instruction.keyword === 'FROM') {
      const [image = '', as, name] = substitute(instruction.args, globalArgs)
        .split(/\s+/)
        .filter((word) => !word.startsWith('--platform'));
      stages.push({ image, ...(as?.toUpperCase() === 'AS' && name ? { name } : {}), instructions: [] });
    } else if (current) {
      current.instructions.push(instruction);
    } else if (instruction.keyword === 'ARG') {
      const [name = '', value = ''] = instruction.args.split('=');
      globalArgs[name] = value;
    }
  }
  return { stages };
}

/** Exec form (`["a", "b"]`) or shell form, as words. */
export function words(args: string): string[] {
  if (args.startsWith('[')) {
    const parsed: unknown = JSON.parse(args);
    if (Array.isArray(parsed) && parsed.every((word) => typeof word === 'string')) return parsed;
    throw new Error(`not a JSON array of strings: ${args}`);
  }
  return args.split(/\s+/).filter(Boolean);
}

export interface Copy {
  from?: string;
  sources: string[];
  destination: string;
}

export function parseCopy(args: string): Copy {
  const all = words(args);
  const from = all.find((word) => word.startsWith('--from='))?.slice('--from='.length);
  const paths = all.filter((word) => !word.startsWith('--'));
  return { ...(from ? { from } : {}), sources: paths.slice(0, -1), destination: paths.at(-1) ?? '' };
}

/** `KEY=value KEY2="value 2"` (ENV, LABEL) as a record. */
export function keyValues(args: string): Record<string, string> {
  const pairs = args.matchAll(/(\w+)=("[^"]*"|\S*)/g);
  return Object.fromEntries([...pairs].map(([, key = '', value = '']) => [key, value.replace(/^"|"$/g, '')]));
}

/** Ports of `EXPOSE 8080 50051-50056/tcp`, ranges expanded. */
export function exposedPorts(args: string): number[] {
  return words(args).flatMap((word) => {
    const [from = '', to = from] = word.replace(/\/(tcp|udp)$/, '').split('-');
    const ports: number[] = [];
    for (let port = Number(from); port <= Number(to); port++) ports.push(port);
    return ports;
  });
}

export const instructionsOf = (stage: Stage, keyword: string) =>
  stage.instructions.filter((i) => i.keyword === keyword);

/** The stage's COPY instructions with build args substituted. */
export const copiesOf = (stage: Stage, args: Record<string, string>) =>
  instructionsOf(stage, 'COPY').map((i) => parseCopy(substitute(i.args, args)));

/** All RUN commands of a stage, one per line, with build args substituted. */
export const runScript = (stage: Stage, args: Record<string, string>) =>
  instructionsOf(stage, 'RUN')
    .map((i) => substitute(i.args, args))
    .join('\n');

/** The environment a stage sets, with build args substituted. */
export function stageEnvironment(stage: Stage, args: Record<string, string>): Record<string, string> {
  const settings = instructionsOf(stage, 'ENV').map((i) => keyValues(substitute(i.args, args)));
  return Object.fromEntries(settings.flatMap((setting) => Object.entries(setting)));
}

/**
 * Where a COPY source lands, relative to the WORKDIR: a directory's contents go into the destination
 * itself, a file copied into a destination ending in `/` keeps its name.
 */
export function copyTarget(destination: string, source: string, isDirectory: boolean): string {
  const target =
    isDirectory || !destination.endsWith('/')
      ? destination
      : `${destination}${source.split('/').at(-1) ?? ''}`;
  return target.replace(/^\.\//, '').replace(/\/$/, '');
}

/**
 * The command the container runs, as the process sees it: exec form is not expanded unless it starts
 * a shell; shell form and `sh -c` scripts are expanded from the image's environment.
 */
export function startCommand(stage: Stage, env: Record<string, string>): string {
  const command = instructionsOf(stage, 'CMD').at(-1) ?? instructionsOf(stage, 'ENTRYPOINT').at(-1);
  if (!command) return '';
  const argv = words(command.args);
  const shell = !command.args.startsWith('[') || /^(\/bin\/)?(ba)?sh$/.test(argv[0] ?? '');
  const text = argv.join(' ').replace(/^(\/bin\/)?(ba)?sh -c /, '');
  return shell ? substitute(text, env) : text;
}
