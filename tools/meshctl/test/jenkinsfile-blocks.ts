/**
 * The block structure of a Declarative Jenkinsfile, enough for tests to ask what encloses what (which
 * stage holds the agent, whether a timeout wraps the post). Not a Groovy parser: whole-line comments
 * are dropped and `${...}` stays part of the text; the Jenkinsfiles put no other braces in strings.
 */
export interface Block {
  /** The text before `{`, e.g. `stage('Release')`, `post`, `timeout(time: 5, unit: 'MINUTES')`. */
  head: string;
  /** This block's own lines without the nested blocks, e.g. `agent none`, `sh '...'`. */
  statements: string[];
  children: Block[];
  /** Statements and children in the order they are written. */
  items: (string | Block)[];
}

export function parseBlocks(source: string): Block {
  const text = source
    .split('\n')
    .filter((line) => !line.trim().startsWith('//'))
    .join('\n');
  let pos = 0;
  const parse = (head: string): Block => {
    const block: Block = { head, statements: [], children: [], items: [] };
    let line = '';
    const endStatement = () => {
      if (line.trim()) {
        block.statements.push(line.trim());
        block.items.push(line.trim());
      }
      line = '';
    };
    while (pos < text.length) {
      const char = text.charAt(pos++);
      if (char === '$' && text.charAt(pos) === '{') {
        const end = text.indexOf('}', pos);
        line += text.slice(pos - 1, end + 1);
        pos = end + 1;
      } else if (char === '{') {
        const nested = parse(line.trim());
        block.children.push(nested);
        block.items.push(nested);
        line = '';
      } else if (char === '}') {
        endStatement();
        return block;
      } else if (char === '\n') {
        endStatement();
      } else {
        line += char;
      }
    }
    endStatement();
    return block;
  };
  return parse('');
}

/** The child blocks whose head is `head` (e.g. `stages`) or, for a stage, `stage('<name>')`. */
export const childrenNamed = (block: Block | undefined, head: string): Block[] =>
  block?.children.filter((child) => child.head === head) ?? [];

export const child = (block: Block | undefined, head: string): Block | undefined =>
  childrenNamed(block, head)[0];

export const stageName = (block: Block): string | undefined => /^stage\('([^']+)'\)$/.exec(block.head)?.[1];

/** Every stage at any depth, with the stages (outermost first) that enclose it. */
export function allStages(block: Block, enclosing: Block[] = []): { stage: Block; enclosing: Block[] }[] {
  return childrenNamed(block, 'stages').flatMap((stages) =>
    stages.children
      .filter((stage) => stageName(stage) !== undefined)
      .flatMap((stage) => [{ stage, enclosing }, ...allStages(stage, [...enclosing, stage])]),
  );
}

/** Every block at any depth below `block` (depth first), with the blocks between. */
export function descendants(block: Block, path: Block[] = []): { block: Block; path: Block[] }[] {
  return block.children.flatMap((c) => [{ block: c, path }, ...descendants(c, [...path, c])]);
}

/** Every statement at any depth below `block`, in the order written. */
export const statementsIn = (block: Block): string[] =>
  block.items.flatMap((item) => (typeof item === 'string' ? [item] : statementsIn(item)));

/** The single `pipeline { ... }` of a Jenkinsfile. */
export const pipelineOf = (source: string): Block => {
  const pipeline = child(parseBlocks(source), 'pipeline');
  if (!pipeline) throw new Error('no pipeline block');
  return pipeline;
};
