import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

/**
 * The house's shape, held: no source file over 250 lines, no class with more than 12 fields
 * (declared, or constructor parameter properties) or more than 2 timers (setTimeout /
 * setInterval call sites; a `setTimeout(resolve, ms)` sleep is not a timer anyone must clear).
 */
const ROOT = join(__dirname, '..');
const SOURCE_DIRS = ['bridge-server/src', 'bench/src', 'nodes', 'credentials'];
const MAX_LINES = 250;
const MAX_FIELDS = 12;
const MAX_TIMERS = 2;

function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

interface ClassShape {
  name: string;
  fields: number;
  timers: number;
}

function isSleep(call: ts.CallExpression): boolean {
  const [first] = call.arguments;
  return first !== undefined && ts.isIdentifier(first) && first.text === 'resolve';
}

function classShapes(path: string): ClassShape[] {
  const source = ts.createSourceFile(path, readFileSync(join(ROOT, path), 'utf8'), ts.ScriptTarget.Latest, true);
  const shapes: ClassShape[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isClassDeclaration(node) || ts.isClassExpression(node)) {
      let fields = 0;
      let timers = 0;
      for (const member of node.members) {
        if (ts.isPropertyDeclaration(member)) fields++;
        if (ts.isConstructorDeclaration(member))
          fields += member.parameters.filter((p) => ts.getModifiers(p)?.length).length;
      }
      const countTimers = (inner: ts.Node): void => {
        if (
          ts.isCallExpression(inner) &&
          ts.isIdentifier(inner.expression) &&
          ['setTimeout', 'setInterval'].includes(inner.expression.text) &&
          !isSleep(inner)
        )
          timers++;
        ts.forEachChild(inner, countTimers);
      };
      ts.forEachChild(node, countTimers);
      shapes.push({ name: node.name?.text ?? '(anonymous)', fields, timers });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return shapes;
}

const FILES = SOURCE_DIRS.flatMap(sourceFiles);

describe('the shape of the source', () => {
  it('finds the source files it holds to the bar', () => {
    expect(FILES.length).toBeGreaterThan(100);
  });

  it(`has no file over ${MAX_LINES} lines`, () => {
    const long = FILES.map((path) => ({ path, lines: readFileSync(join(ROOT, path), 'utf8').split('\n').length - 1 }))
      .filter((file) => file.lines > MAX_LINES)
      .map((file) => `${relative('.', file.path)}: ${file.lines} lines`);
    expect(long).toEqual([]);
  });

  it(`has no class with more than ${MAX_FIELDS} fields or more than ${MAX_TIMERS} timers`, () => {
    const over = FILES.flatMap((path) =>
      classShapes(path)
        .filter((shape) => shape.fields > MAX_FIELDS || shape.timers > MAX_TIMERS)
        .map((shape) => `${path} ${shape.name}: ${shape.fields} fields, ${shape.timers} timers`),
    );
    expect(over).toEqual([]);
  });

  it('counts a class’s fields and timers as the bar means them', () => {
    const shapes = classShapes('bridge-server/src/calls/agent-conversation.ts');
    expect(shapes).toEqual([{ name: 'AgentConversation', fields: expect.any(Number), timers: 1 }]);
    expect(shapes[0].fields).toBeGreaterThanOrEqual(8);
  });
});
