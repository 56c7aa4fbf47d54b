// Writes jenkins/jobs/iot-mesh.yaml from services/catalog.json; --check exits 1 when it is stale.
import { readFileSync, writeFileSync } from 'node:fs';
import { catalogServices, REPO_ROOT } from '../release/validation.js';
import { JOBS_FILE, renderJobs } from './job-definitions.js';

const path = `${REPO_ROOT}${JOBS_FILE}`;
const wanted = renderJobs(catalogServices());
if (process.argv.includes('--help')) {
  console.log(`Usage: node tools/meshctl/dist/jenkins/generate-jobs.js [--check]\nWrites ${JOBS_FILE}.`);
} else if (process.argv.includes('--check')) {
  const current = readFileSync(path, 'utf8');
  if (current !== wanted) {
    console.error(`${JOBS_FILE} is stale: regenerate it`);
    process.exitCode = 1;
  }
} else {
  writeFileSync(path, wanted);
  console.log(`wrote ${JOBS_FILE}`);
}
