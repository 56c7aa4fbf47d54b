import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** What one run of a stage's script did: the shell commands, in order, and the error() that stopped it. */
export interface Replay {
  sh: string[];
  error?: string;
}

export interface ReplayInput {
  params: Record<string, string | boolean>;
  env: Record<string, string>;
}

/** The text between the braces of the first `<head> {` at or after `from`. */
function blockBody(text: string, head: string, from: number): string {
  const open = text.indexOf('{', text.indexOf(head, from));
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === '{') depth++;
    if (text[i] === '}' && --depth === 0) return text.slice(open + 1, i);
  }
  throw new Error(`unbalanced ${head}`);
}

const groovyMap = (values: Record<string, unknown>) => {
  const entries = Object.entries(values).map(
    ([key, value]) => `${key}: ${typeof value === 'string' ? `'${value}'` : String(value)}`,
  );
  return entries.length === 0 ? '[:]' : `[${entries.join(', ')}]`;
};

/**
 * Runs the `script { }` of one stage of a Jenkinsfile with real Groovy, once per input, with Jenkins'
 * steps replaced: `sh` and `error` are recorded, `withCredentials` runs its body. The logic that decides
 * what a build does for its parameters runs as Jenkins would run it.
 */
export function replayStageScript(
  jenkinsfile: string,
  stage: string,
  inputs: readonly ReplayInput[],
): Replay[] {
  const body = blockBody(jenkinsfile, 'script', jenkinsfile.indexOf(`stage('${stage}')`));
  const runs = inputs.map(
    ({ params, env }) => `
params = ${groovyMap(params)}
env = ${groovyMap(env)}
calls = []
try { stageScript(); println(groovy.json.JsonOutput.toJson([sh: calls])) }
catch (StageError e) { println(groovy.json.JsonOutput.toJson([sh: calls, error: e.message])) }`,
  );
  const script = `
class StageError extends RuntimeException { StageError(String m) { super(m) } }
def sh(String command) { calls << command }
def error(String message) { throw new StageError(message) }
def file(Map binding) { binding }
def withCredentials(List bindings, Closure body) { body() }
def stageScript() {${body}}
${runs.join('\n')}
`;
  const dir = mkdtempSync(join(tmpdir(), 'meshctl-replay-'));
  try {
    writeFileSync(join(dir, 'replay.groovy'), script);
    const output = execFileSync('groovy', [join(dir, 'replay.groovy')], {
      env: { ...process.env, JAVA_HOME: '/usr/lib/jvm/java-17-openjdk-amd64' },
      encoding: 'utf8',
    });
    return output
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Replay);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
