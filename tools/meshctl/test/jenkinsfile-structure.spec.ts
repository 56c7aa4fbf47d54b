import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { REPO_ROOT } from '../src/release/validation.js';
import { JOBS_FILE } from '../src/jenkins/job-definitions.js';
import {
  type Block,
  allStages,
  child,
  childrenNamed,
  descendants,
  parseBlocks,
  pipelineOf,
  stageName,
  statementsIn,
} from './jenkinsfile-blocks.js';

// What Declarative does at run time, from pipeline-model-definition's ModelInterpreter: the top-level
// agent is entered first, the options' wrappers (lock, timeout) inside it, and the pipeline's post inside
// those; a stage's options wrap its agent, its nested stages and its post. A timeout that fires gives
// what still runs inside it one minute (TimeoutStepExecution's grace period), then kills it.

const RELEASE_JENKINSFILES = ['deploy', 'canary', 'traffic'].map((name) => `jenkins/Jenkinsfile.${name}`);
const read = (path: string) => readFileSync(join(REPO_ROOT, path), 'utf8');
const LOCK = `lock(resource: "iot-mesh-release-\${env.JOB_NAME.tokenize('/')[0]}")`;
const isTimeout = (block: Block) => block.head.startsWith('timeout(');
/** A stage's (or the pipeline's) options hold a timeout. */
const hasTimeout = (block: Block | undefined) =>
  (child(block, 'options')?.statements ?? []).some((s) => s.startsWith('timeout('));
const hasAgent = (block: Block) =>
  block.statements.some((s) => s.startsWith('agent ')) || childrenNamed(block, 'agent').length > 0;
const release = (pipeline: Block) => allStages(pipeline).find(({ stage }) => stageName(stage) === 'Release');

describe('the parser the structure tests rely on', () => {
  it('nests blocks, keeps one-line blocks and ${...} whole, drops whole-line comments', () => {
    const pipeline = pipelineOf(
      [
        'pipeline {',
        '  // post { ignored }',
        '  options { lock(resource: "r-${env.JOB_NAME}") }',
        "  stages { stage('A') { steps { sh 'x' } } }",
        '}',
      ].join('\n'),
    );
    expect(child(pipeline, 'options')?.statements).toEqual(['lock(resource: "r-${env.JOB_NAME}")']);
    expect(allStages(pipeline).map(({ stage }) => stageName(stage))).toEqual(['A']);
    expect(child(allStages(pipeline)[0]?.stage, 'steps')?.statements).toEqual(["sh 'x'"]);
    expect(child(pipeline, 'post')).toBeUndefined();
  });
});

describe('release Jenkinsfiles', () => {
  it.each(RELEASE_JENKINSFILES)(
    '%s waits for the service lock without an executor: agent none, the lock in the options, one Release stage takes the agent',
    (file) => {
      const pipeline = pipelineOf(read(file));
      expect(pipeline.statements).toContain('agent none');
      expect(child(pipeline, 'options')?.statements).toEqual(
        expect.arrayContaining(['disableConcurrentBuilds()', LOCK]),
      );
      // Every stage runs inside Release, on its one executor: a second agent would wait for an executor
      // while holding the lock and the first.
      const stages = allStages(pipeline);
      expect(
        stages.filter(({ enclosing }) => enclosing.length === 0).map(({ stage }) => stageName(stage)),
      ).toEqual(['Release']);
      expect(stages.filter(({ stage }) => hasAgent(stage)).map(({ stage }) => stageName(stage))).toEqual([
        'Release',
      ]);
      expect(release(pipeline)?.stage.statements).toContain('agent any');
      // A pipeline-level post would run under agent none, with no workspace for sh.
      expect(child(pipeline, 'post')).toBeUndefined();
      expect(read('jenkins/plugins.txt').split('\n')).toContain('lockable-resources');
    },
  );

  it.each(RELEASE_JENKINSFILES)('%s bounds every stage that runs steps by a timeout', (file) => {
    const pipeline = pipelineOf(read(file));
    const unbounded = allStages(pipeline)
      .filter(({ stage }) => child(stage, 'steps'))
      .filter(({ stage, enclosing }) => ![pipeline, stage, ...enclosing].some(hasTimeout))
      .map(({ stage }) => stageName(stage));
    expect(unbounded).toEqual([]);
  });

  it('Jenkinsfile.canary rolls back, when unsuccessful, only a canary this run started, under the lock on the Release executor, outside every stage timeout', () => {
    const pipeline = pipelineOf(read('jenkins/Jenkinsfile.canary'));
    for (const name of ['Canary', 'Canary with analysis']) {
      const stage = allStages(pipeline).find((s) => stageName(s.stage) === name)?.stage;
      const steps = child(stage, 'steps');
      expect([name, steps]).toEqual([name, expect.anything()]);
      const order = statementsIn(steps!);
      // Marked before meshctl runs: an abort or a timeout in the middle must still roll back.
      expect(order.findIndex((s) => s === "env.CANARY_STARTED = 'true'")).toBeGreaterThan(-1);
      expect(order.findIndex((s) => s === "env.CANARY_STARTED = 'true'")).toBeLessThan(
        order.findIndex((s) => s.startsWith("sh '$MESHCTL canary")),
      );
    }
    expect(release(pipeline)).toBeDefined();
    const { stage: releaseStage, enclosing } = release(pipeline)!;
    const unsuccessful = child(child(releaseStage, 'post'), 'unsuccessful');
    expect(unsuccessful).toBeDefined();
    const rollback = descendants(unsuccessful!).find(({ block }) =>
      block.statements.includes(
        `sh '$MESHCTL canary rollback "$SERVICE" --canary-tag "$CANARY_DOCKER_IMAGE_TAG"'`,
      ),
    );
    expect(rollback).toBeDefined();
    const heads = rollback!.path.map((b) => b.head);
    expect(heads).toContain("if (env.CANARY_STARTED == 'true')");
    // Its own timeout, so a hung rollback cannot hold the lock for ever.
    expect(rollback!.path.concat(rollback!.block).some(isTimeout)).toBe(true);
    // No timeout around the post: not the pipeline's options, not Release's, nor a stage enclosing it.
    expect([pipeline, ...enclosing, releaseStage].some(hasTimeout)).toBe(false);
  });
});

describe('Jenkinsfile.ci', () => {
  it('pushes from iot-mesh-ci, a plain pipeline job on */main where BRANCH_NAME is unset and GIT_BRANCH is origin/main', () => {
    const jobs = parse(read(JOBS_FILE)) as Record<string, Record<string, unknown>>[];
    const ci = jobs.find(
      (entry) => (entry.job as { name?: string } | undefined)?.name === 'iot-mesh-ci',
    )?.job;
    expect(ci).toMatchObject({ 'project-type': 'pipeline', 'pipeline-scm': { scm: ['iot-mesh'] } });
    const scm = jobs.find((entry) => (entry.scm as { name?: string } | undefined)?.name === 'iot-mesh')?.scm;
    expect(scm).toMatchObject({ scm: [{ git: { branches: ['*/main'] } }] });

    const push = allStages(pipelineOf(read('jenkins/Jenkinsfile.ci'))).find(
      ({ stage }) => stageName(stage) === 'Push',
    );
    const anyOf = child(child(push?.stage, 'when'), 'anyOf');
    expect(anyOf?.statements).toEqual([
      "branch 'main'",
      "environment name: 'GIT_BRANCH', value: 'origin/main'",
    ]);
  });
});

describe('parseBlocks on the Jenkinsfiles', () => {
  it.each(['ci', 'deploy', 'canary', 'traffic'])(
    'Jenkinsfile.%s has balanced blocks and one pipeline',
    (name) => {
      const root = parseBlocks(read(`jenkins/Jenkinsfile.${name}`));
      expect(root.children.map((b) => b.head)).toEqual(['pipeline']);
      expect(root.statements).toEqual([]);
    },
  );
});
