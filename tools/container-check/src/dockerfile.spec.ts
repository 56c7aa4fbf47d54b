import { execSync } from 'node:child_process';
import { serviceNodeArgs } from '@iot-mesh/platform';
import { parseCompose } from './compose-file.js';
import {
  copiesOf,
  copyTarget,
  stageEnvironment,
  exposedPorts,
  instructionsOf,
  parseCopy,
  parseDockerfile,
  runScript,
  startCommand,
  words,
  type Stage,
} from './dockerfile.js';
import {
  existsInRepo,
  isDirectoryInRepo,
  readCatalog,
  readPackage,
  readRepoFile,
  REPO_ROOT,
  workspaceClosure,
  workspaceDirs,
} from './repo.js';
import { runtimeBaseProblems } from './runtime-base.js';

const catalog = readCatalog();
const dockerfileText = readRepoFile('Dockerfile');
const { stages } = parseDockerfile(dockerfileText);
const compose = parseCompose(readRepoFile('docker-compose.yml'));
const build = stages.find((stage) => stage.name === 'build');
const runtime = stages.at(-1);
if (!build || !runtime || build === runtime)
  throw new Error('Dockerfile needs a "build" stage and a runtime stage');

const copies = (stage: Stage, service: string) => copiesOf(stage, { SERVICE: service });
const indexOfRun = (stage: Stage, pattern: RegExp) =>
  stage.instructions.findIndex((i) => i.keyword === 'RUN' && pattern.test(i.args));

/** Projects the build stage compiles, in order, for one service. */
const compiled = (service: string) =>
  [...runScript(build, { SERVICE: service }).matchAll(/tsc -p (\S+)\/tsconfig\.lib\.json/g)].map(
    ([, dir = '']) => dir,
  );
const workdir = (stage: Stage) => instructionsOf(stage, 'WORKDIR').at(-1)?.args ?? '/';
/** A path of the build stage relative to its WORKDIR, as in the repo. */
const inBuildStage = (path: string) => {
  const prefix = `${workdir(build)}/`;
  return path.startsWith(prefix) ? path.slice(prefix.length) : `outside ${prefix}: ${path}`;
};
const ignored = readRepoFile('.dockerignore')
  .split('\n')
  .map((line) => line.trim())
  .filter((line) => line && !line.startsWith('#'));

describe('Dockerfile', () => {
  it('builds on node:24 bookworm-slim and runs on a small non-root image', () => {
    expect(build.image).toMatch(/^node:24[.\d]*-bookworm-slim\b/);
    expect(runtime.image).toMatch(
      /^(node:24[.\d]*-bookworm-slim|gcr\.io\/distroless\/nodejs24-debian12:nonroot)\b/,
    );
    const user = instructionsOf(runtime, 'USER').at(-1)?.args ?? '';
    if (runtime.image.startsWith('node:')) expect(user).toMatch(/^(node|[1-9]\d*)(:|$)/);
    expect(user).not.toMatch(/^(root|0)(:|$)/);
  });

  it('takes the service as a build arg in both stages', () => {
    for (const stage of [build, runtime])
      expect(instructionsOf(stage, 'ARG').map((i) => i.args)).toContain('SERVICE');
  });

  it('installs the dependencies once for every service: no build arg that varies per service before the install', () => {
    // Compose builds each service with its own value of these; a RUN after their ARG has the value in
    // its cache key (and an instruction before it cannot use them undeclared).
    const valuesByArg = new Map<string, Set<string>>();
    for (const service of Object.values(compose.services))
      for (const [name, value] of Object.entries(service.build?.args ?? {}))
        valuesByArg.set(name, (valuesByArg.get(name) ?? new Set()).add(value));
    const perService = [...valuesByArg].filter(([, values]) => values.size > 1).map(([name]) => name);
    expect(perService).toContain('SERVICE');
    const install = indexOfRun(build, /npm (ci|install)\b/);
    expect(install).toBeGreaterThan(-1);
    const usesPerServiceArg = ({ keyword, args }: { keyword: string; args: string }) =>
      perService.some(
        (name) =>
          (keyword === 'ARG' && args.split('=')[0] === name) || new RegExp(`\\$\\{?${name}\\b`).test(args),
      );
    expect(build.instructions.slice(0, install + 1).filter(usesPerServiceArg)).toEqual([]);
  });

  it('copies every lib and service manifest before installing, and prunes dev dependencies after compiling', () => {
    const install = indexOfRun(build, /npm (ci|install)\b/);
    expect(install).toBeGreaterThan(-1);
    const manifests = build.instructions
      .slice(0, install)
      .filter((i) => i.keyword === 'COPY')
      .flatMap((i) => parseCopy(i.args).sources);
    const needed = workspaceDirs().filter((dir) => /^(libs|services)\//.test(dir));
    expect(needed.filter((dir) => !manifests.includes(`${dir}/package.json`))).toEqual([]);
    const steps = runScript(build, {});
    expect(steps.search(/npm prune --omit=dev/)).toBeGreaterThan(steps.search(/tsc -p services\//));
  });

  it.each(catalog)('copies only repo paths the build context keeps, for $name', ({ name }) => {
    for (const copy of [...copies(build, name), ...copies(runtime, name)].filter((c) => !c.from)) {
      for (const source of copy.sources) {
        expect([source, existsInRepo(source)]).toEqual([source, true]);
        const dropped = ignored.filter(
          (p) => !p.includes('*') && (source === p || source.startsWith(`${p}/`)),
        );
        expect([source, dropped]).toEqual([source, []]);
      }
    }
  });

  it.each(catalog)('compiles $name after the libs it depends on, from sources it copied', ({ name }) => {
    const order = compiled(name);
    const needed = workspaceClosure(`services/${name}`);
    expect(order.filter((dir) => !existsInRepo(`${dir}/tsconfig.lib.json`))).toEqual([]);
    expect(needed.filter((dir) => !order.includes(dir))).toEqual([]);
    for (const dir of order) {
      const dependencies = workspaceClosure(dir).filter((d) => d !== dir);
      for (const dependency of dependencies)
        expect([dir, order.indexOf(dependency) < order.indexOf(dir)]).toEqual([dir, true]);
    }
    const copied = copies(build, name).flatMap((c) => c.sources);
    for (const dir of order)
      expect([dir, copied.some((s) => dir === s || dir.startsWith(`${s}/`))]).toEqual([dir, true]);
  });

  it.each(catalog)('mirrors the repo layout in both stages, for $name', ({ name }) => {
    // The workspace links in node_modules (../../libs/platform) only resolve in the same layout.
    expect(workdir(runtime)).toBe(workdir(build));
    for (const stage of [build, runtime]) {
      for (const copy of copies(stage, name)) {
        for (const source of copy.sources) {
          const path = copy.from ? inBuildStage(source) : source;
          // Build outputs are directories unless named like a file; context paths can be looked at.
          const isDirectory = copy.from ? !/\.\w+$/.test(path) : isDirectoryInRepo(path);
          const destination = copy.destination.replace(new RegExp(`^${workdir(stage)}/`), '');
          expect([source, copyTarget(destination, path, isDirectory)]).toEqual([source, path]);
        }
      }
    }
  });

  it.each(catalog)('gives the $name runtime its dist, its libs, node_modules and proto/', ({ name }) => {
    const fromBuild = copies(runtime, name)
      .filter((c) => c.from === 'build')
      .flatMap((c) => c.sources.map(inBuildStage));
    const wanted = workspaceClosure(`services/${name}`).flatMap((dir) => [
      `${dir}/dist`,
      `${dir}/package.json`,
    ]);
    expect(wanted.filter((path) => !fromBuild.includes(path))).toEqual([]);
    expect(fromBuild).toContain('node_modules');
    // Every dist copied is one the build stage compiled.
    const dists = fromBuild
      .filter((path) => path.endsWith('/dist'))
      .map((path) => path.slice(0, -'/dist'.length));
    expect(dists.filter((dir) => !compiled(name).includes(dir))).toEqual([]);
    expect(copies(runtime, name).flatMap((c) => (c.from ? [] : c.sources))).toContain('proto');
  });

  it.each(catalog)("starts $name from its compiled main.js with the service's Node arguments", ({ name }) => {
    const resolved = startCommand(runtime, stageEnvironment(runtime, { SERVICE: name }));
    // The build stage writes the arguments to a file that the runtime stage copies and the command reads.
    const written = /^(.+?)\s*>\s*(\S+)$/.exec(
      runScript(build, { SERVICE: name })
        .split('\n')
        .find((line) => line.includes('print-service-node-args')) ?? '',
    );
    const [, printCommand = '', argsFile = ''] = written ?? [];
    expect(argsFile).not.toBe('');
    expect(
      copies(runtime, name).find((c) => c.from === 'build' && c.sources.includes(`/app/${argsFile}`)),
    ).toBeDefined();
    expect(resolved).toContain(`exec node $(cat ${argsFile}) services/${name}/dist/main.js`);
    // Run here, the build stage's command prints what the local stack and the tests start $name with.
    const printed = execSync(printCommand, { cwd: REPO_ROOT, encoding: 'utf8' }).trim();
    expect(printed).toBe(serviceNodeArgs(name).join(' '));
    const argv = [...words(printed), `services/${name}/dist/main.js`];
    expect(readPackage(`services/${name}`).main).toBe('./dist/main.js');
    expect(existsInRepo(`services/${name}/src/main.ts`)).toBe(true);
    // Every preload is an export of a workspace package that the image holds.
    const preloads = argv.filter((_, i) => argv[i - 1] === '--import');
    expect(preloads.length).toBeGreaterThan(0);
    for (const preload of preloads) {
      const [pkg = '', subpath = ''] = /^(@[^/]+\/[^/]+)(\/.*)?$/.exec(preload)?.slice(1) ?? [];
      const dir = workspaceDirs().find((d) => readPackage(d).name === pkg) ?? 'unknown package';
      expect(Object.keys(readPackage(dir).exports ?? {})).toContain(`.${subpath}`);
    }
  });

  it('runs in production mode, with state in a volume and every catalog port exposed', () => {
    const env = stageEnvironment(runtime, {});
    expect(env['NODE_ENV']).toBe('production');
    expect(
      instructionsOf(runtime, 'VOLUME')
        .map((i) => words(i.args))
        .flat(),
    ).toContain(env['DATA_DIR']);
    const exposed = instructionsOf(runtime, 'EXPOSE').flatMap((i) => exposedPorts(i.args));
    const ports = catalog
      .flatMap((s) => [s.grpcPort, s.adminPort, s.httpPort])
      .filter((p) => p !== undefined);
    expect(ports.filter((port) => !exposed.includes(port))).toEqual([]);
  });

  it('bakes no secrets into the image and keeps local state out of the build context', () => {
    const settings = stages.flatMap((s) => s.instructions).filter((i) => ['ARG', 'ENV'].includes(i.keyword));
    expect(settings.filter((i) => /TOKEN|SECRET|PASSWORD|PRIVATE|_KEY\b/i.test(i.args))).toEqual([]);
    for (const entry of [
      'node_modules',
      'dist',
      '.git',
      '.toolchain',
      '.nx',
      '.local-stack',
      'coverage',
      '.env',
    ]) {
      expect(ignored.some((p) => p === entry || p === `**/${entry}`)).toBe(true);
    }
  });
});

describe('the runtime stage on its base image', () => {
  // Every service container shares one healthcheck (docker-compose.yml's x-service).
  const healthchecks = catalog.map(({ name }) => compose.services[name]?.healthcheck?.test);
  /** The runtime stage of the Dockerfile with its FROM image and USER replaced. */
  const runtimeOn = (image: string, user = 'node') => {
    const lines = dockerfileText.split('\n');
    const from = lines.findLastIndex((line) => line.startsWith('FROM '));
    const mutated = lines.map((line, index) =>
      index === from ? `FROM ${image} AS runtime` : line.startsWith('USER ') ? `USER ${user}` : line,
    );
    return parseDockerfile(mutated.join('\n')).stages.at(-1) ?? runtime;
  };

  it('has what the stage and the compose healthcheck use: a shell, the node user, node on the PATH', () => {
    expect(healthchecks.filter((test) => test === undefined)).toEqual([]);
    for (const test of healthchecks) expect(runtimeBaseProblems(runtime, test)).toEqual([]);
  });

  it.each(['node:24-bookworm-slim', 'node:24.11.1-bookworm', 'node:24-alpine', 'node:24-alpine3.22'])(
    'would run on %s',
    (image) => {
      expect(runtimeBaseProblems(runtimeOn(image), healthchecks[0])).toEqual([]);
    },
  );

  it('is refused on a base without a shell, a node user or node on the PATH (distroless)', () => {
    expect(
      runtimeBaseProblems(runtimeOn('gcr.io/distroless/nodejs24-debian12:nonroot'), healthchecks[0]),
    ).toEqual([
      expect.stringMatching(/has no shell for: RUN mkdir -p \/data/),
      expect.stringMatching(/has no shell for: CMD \["sh", "-c"/),
      expect.stringMatching(/has no user "node"/),
      expect.stringMatching(/has no node on the PATH for the compose healthcheck/),
    ]);
  });

  it('is refused with a user its base does not have, or on a base it does not know', () => {
    expect(runtimeBaseProblems(runtimeOn('node:24-bookworm-slim', 'app'))).toEqual([
      expect.stringMatching(/node:24-bookworm-slim has no user "app"/),
    ]);
    expect(runtimeBaseProblems(runtimeOn('node:24-bookworm-slim', '1000:1000'))).toEqual([]);
    expect(runtimeBaseProblems(runtimeOn('example.com/node-runtime:24'))).toContainEqual(
      expect.stringMatching(/has no shell for: RUN/),
    );
  });
});
