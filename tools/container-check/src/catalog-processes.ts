import { spawnService, type ServiceProcess } from '@iot-mesh/platform/testing';
import { parseDockerfile, stageEnvironment } from './dockerfile.js';
import { addressVariable, readCatalog, readRepoFile, repoPath } from './repo.js';

export interface CatalogProcess {
  name: string;
  process: ServiceProcess;
}

/**
 * Every catalog service as a real process on loopback (its built dist/main.js), in catalog order so that
 * each is told the address of every service started before it, and named as the image names it (the
 * runtime stage's SERVICE_NAME): the series they export are labelled as the containers' are.
 * `envFor` adds to a service's environment; the embedded stores go under `dataDir`.
 */
export async function startCatalogProcesses(
  dataDir: string,
  envFor: (name: string) => Record<string, string> = () => ({}),
): Promise<CatalogProcess[]> {
  const runtime = parseDockerfile(readRepoFile('Dockerfile')).stages.at(-1);
  const started: CatalogProcess[] = [];
  try {
    for (const { name, httpPort } of readCatalog()) {
      const imageName = runtime ? stageEnvironment(runtime, { SERVICE: name })['SERVICE_NAME'] : undefined;
      const process = await spawnService({
        entry: repoPath(`services/${name}/dist/main.js`),
        env: {
          ...Object.fromEntries(started.map((s) => [addressVariable(s.name), s.process.grpcAddress])),
          ...(imageName ? { SERVICE_NAME: imageName } : {}),
          DATA_DIR: dataDir,
          ...envFor(name),
        },
        pickPorts: ['GRPC_PORT', 'ADMIN_PORT', ...(httpPort ? ['HTTP_PORT'] : [])],
      });
      started.push({ name, process });
    }
    return started;
  } catch (error) {
    await stopCatalogProcesses(started);
    throw error;
  }
}

/** SIGTERM, callers first. */
export async function stopCatalogProcesses(processes: readonly CatalogProcess[]): Promise<void> {
  for (const { process } of [...processes].reverse()) await process.stop();
}
