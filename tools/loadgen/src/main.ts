// `node tools/loadgen/dist/main.js --help`: the load generator's command line.
// Nothing is imported before the Node version is checked: on an older Node, a module written for
// Node 24 may throw while loading, and a stack trace with exit 1 would read as "nothing got through".
const NEEDED_NODE_MAJOR = 24;

if (Number(process.versions.node.split('.')[0]) < NEEDED_NODE_MAJOR) {
  const message = `needs Node ${NEEDED_NODE_MAJOR} or later (this is Node ${process.versions.node})`;
  console.error(`loadgen: ${message}`);
  if (process.argv.includes('--json'))
    console.log(JSON.stringify({ error: { code: 'NODE_VERSION', message } }));
  process.exitCode = 2; // as for bad options: the command cannot run as given
} else {
  await import('./cli-process.js');
}
