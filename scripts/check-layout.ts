/**
 * `npm run check:layout`: the rules of the house (ARCHITECTURE.md), read from the imports of src/.
 *
 * 1. No import cycles (type-only imports count: a cycle of types is still a knot to untie).
 * 2. `src/platform/` imports no feature and nothing of the composition root except `config.ts`.
 * 3. A feature imports `src/platform/`, `src/config.ts`, its own files, and other features only
 *    through their `index.ts`.
 *
 * Prints every offending import with its line and exits 1 if there is any. Only relative
 * imports are read (packages are not the house's business).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = normalize(join(dirname(fileURLToPath(import.meta.url)), '..'));
const SRC = join(ROOT, 'src');

interface Edge {
  from: string;
  to: string;
  line: number;
  spec: string;
}

function listSources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return listSources(path);
    return path.endsWith('.ts') && !path.endsWith('.d.ts') ? [path] : [];
  });
}

/** `./x.js` → the .ts file it names (NodeNext style), or an index.ts of a folder. */
function resolveImport(fromFile: string, spec: string): string | undefined {
  const base = normalize(join(dirname(fromFile), spec));
  const candidates = [base, base.replace(/\.js$/, '.ts'), `${base}.ts`, join(base, 'index.ts')];
  return candidates.find((c) => c.endsWith('.ts') && existsSync(c) && statSync(c).isFile());
}

const IMPORT = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)(['"])(\.{1,2}\/[^'"]+)\1/g;

function edgesOf(file: string): Edge[] {
  const edges: Edge[] = [];
  const lines = readFileSync(file, 'utf8').split('\n');
  lines.forEach((text, i) => {
    for (const match of text.matchAll(IMPORT)) {
      const spec = match[2] ?? '';
      const to = resolveImport(file, spec);
      if (to) edges.push({ from: file, to, line: i + 1, spec });
    }
  });
  return edges;
}

const rel = (path: string) => relative(ROOT, path).split(sep).join('/');

type Place = { kind: 'platform' } | { kind: 'feature'; name: string; rest: string } | { kind: 'root'; name: string };

function placeOf(file: string): Place {
  const parts = relative(SRC, file).split(sep);
  if (parts[0] === 'platform') return { kind: 'platform' };
  if (parts[0] === 'features' && parts[1]) return { kind: 'feature', name: parts[1], rest: parts.slice(2).join('/') };
  return { kind: 'root', name: parts.join('/') };
}

/** Why this import breaks a rule of the house, or undefined if it keeps them. */
function ruleBroken(edge: Edge): string | undefined {
  const from = placeOf(edge.from);
  const to = placeOf(edge.to);
  if (from.kind === 'root') return undefined;
  if (to.kind === 'root' && to.name !== 'config.ts') {
    return 'only the composition root (app.ts and its helpers) may import it';
  }
  if (from.kind === 'platform') {
    return to.kind === 'feature' ? 'platform/ imports no feature' : undefined;
  }
  if (to.kind === 'feature' && to.name !== from.name && to.rest !== 'index.ts') {
    return `a feature uses another feature only through its index.ts (features/${to.name}/index.ts)`;
  }
  return undefined;
}

/** Strongly connected components with more than one file (Tarjan), each a cycle to report. */
function cycles(files: string[], edges: Edge[]): string[][] {
  const next = new Map<string, string[]>();
  for (const e of edges) next.set(e.from, [...(next.get(e.from) ?? []), e.to]);
  let index = 0;
  const indices = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string) => {
    indices.set(v, index);
    low.set(v, index);
    index++;
    stack.push(v);
    onStack.add(v);
    for (const w of next.get(v) ?? []) {
      if (!indices.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) ?? 0, low.get(w) ?? 0));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v) ?? 0, indices.get(w) ?? 0));
      }
    }
    if (low.get(v) === indices.get(v)) {
      const component: string[] = [];
      let w: string | undefined;
      do {
        w = stack.pop();
        if (w === undefined) break;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || (next.get(v) ?? []).includes(v)) found.push(component.sort());
    }
  };
  for (const file of files) if (!indices.has(file)) visit(file);
  return found;
}

const files = listSources(SRC);
const edges = files.flatMap(edgesOf);
const problems: string[] = [];
for (const edge of edges) {
  const why = ruleBroken(edge);
  if (why) problems.push(`${rel(edge.from)}:${edge.line} imports '${edge.spec}' (${rel(edge.to)}): ${why}`);
}
for (const component of cycles(files, edges)) {
  const inside = new Set(component);
  const ties = edges
    .filter((e) => inside.has(e.from) && inside.has(e.to))
    .map((e) => `    ${rel(e.from)}:${e.line} → ${rel(e.to)}`);
  problems.push(`import cycle through ${component.length} files:\n${ties.join('\n')}`);
}

if (problems.length > 0) {
  console.error(`check:layout: ${problems.length} problem(s)\n`);
  for (const problem of problems) console.error(`- ${problem}`);
  process.exit(1);
}
console.log(
  `check:layout: ${files.length} files, ${edges.length} imports; no cycles, platform/ imports no feature, features meet through index.ts`,
);
