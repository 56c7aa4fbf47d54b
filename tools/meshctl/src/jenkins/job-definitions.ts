import { stringify } from 'yaml';

/** The per-service pipelines: job name -> Jenkinsfile. */
export const SERVICE_PIPELINES: Record<string, string> = {
  deploy: 'jenkins/Jenkinsfile.deploy',
  canary: 'jenkins/Jenkinsfile.canary',
  traffic: 'jenkins/Jenkinsfile.traffic',
};

export const JOBS_FILE = 'jenkins/jobs/iot-mesh.yaml';

/**
 * Written into the scm macro as it is: jenkins-jobs before 6.0 expands no `{...}` in a macro used without
 * parameters, so a `{repo-url}` from the defaults would reach the jobs literally and no checkout would work.
 */
export const REPO_URL = 'https://github.com/iot-mesh/iot-mesh.git';

const HEADER = `# Generated from services/catalog.json by tools/meshctl (node tools/meshctl/dist/jenkins/generate-jobs.js).
# Do not edit: add a service to the catalog and regenerate. A test fails when this file is stale.
`;

const pipeline = (name: string, scriptPath: string) => ({
  name,
  'project-type': 'pipeline',
  description: `Runs ${scriptPath}.`,
  'pipeline-scm': { scm: ['iot-mesh'], 'script-path': scriptPath, 'lightweight-checkout': true },
});

/**
 * jenkins-job-builder YAML: one folder and one list view per service holding its deploy, canary and
 * traffic pipelines, plus the CI pipeline. The Jenkinsfiles read the service from the folder name.
 */
export function renderJobs(services: readonly string[]): string {
  const definitions = [
    {
      scm: {
        name: 'iot-mesh',
        scm: [{ git: { url: REPO_URL, branches: ['*/main'], 'credentials-id': 'iot-mesh-git' } }],
      },
    },
    {
      'job-template': { name: '{service}', 'project-type': 'folder', description: 'Pipelines of {service}' },
    },
    ...Object.entries(SERVICE_PIPELINES).map(([job, path]) => ({
      'job-template': pipeline(`{service}/${job}`, path),
    })),
    {
      'view-template': {
        // Not "{service}": jenkins-jobs writes a view's XML where the same-named folder's goes.
        name: '{service}-releases',
        'view-type': 'list',
        description: 'Release pipelines of {service}',
        recurse: true,
        regex: '{service}/.*',
        columns: [
          'status',
          'weather',
          'job',
          'last-success',
          'last-failure',
          'last-duration',
          'build-button',
        ],
      },
    },
    {
      project: {
        name: 'iot-mesh-services',
        service: [...services],
        jobs: ['{service}', ...Object.keys(SERVICE_PIPELINES).map((job) => `{service}/${job}`)],
        views: ['{service}-releases'],
      },
    },
    { job: pipeline('iot-mesh-ci', 'jenkins/Jenkinsfile.ci') },
  ];
  // Single quotes and no wrapping: the output is already what prettier writes, so --check stays meaningful.
  return HEADER + stringify(definitions, { lineWidth: 0, singleQuote: true });
}
