/**
 * Real `--role=worker` processes for the mailing benchmark, run the way the Docker image runs them:
 * the compiled build under plain node, with the image's NODE_OPTIONS (read from the Dockerfile, so
 * the benchmark measures what ships). BENCH_WORKER_NODE_OPTIONS adds node/V8 flags on the command
 * line (e.g. --trace-gc, which NODE_OPTIONS refuses); BENCH_WORKER_OUTPUT=<file> keeps the output
 * of the workers.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../test/helpers/program.js';

export interface WorkerBuild {
  args: string[];
  runtime: string;
  /** NODE_OPTIONS of the image (`ENV NODE_OPTIONS=…` in the Dockerfile), '' if none. */
  nodeOptions: string;
}

/** NODE_OPTIONS the Docker image sets for every process. */
export function imageNodeOptions(): string {
  const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
  return /^ENV NODE_OPTIONS=("?)([^"\n]*)\1\s*$/m.exec(dockerfile)?.[2]?.trim() ?? '';
}

/**
 * Compiles the program (tsc -p tsconfig.build.json, a few seconds) into a fresh folder of its own
 * (dist/ may hold stale migrations tsc never deletes); falls back to the tsx loader in-process.
 */
export async function buildWorker(): Promise<WorkerBuild> {
  const nodeOptions = imageNodeOptions();
  const outDir = join(ROOT, 'node_modules/.cache/gramdesk-bench-dist');
  rmSync(outDir, { recursive: true, force: true });
  const tsc = join(ROOT, 'node_modules/typescript/bin/tsc');
  const code = await new Promise<number | null>((resolve) => {
    // --noCheck: emit even while the tree has type errors (typecheck is CI's job, not the bench's).
    const build = spawn(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--noCheck', '--outDir', outDir], {
      cwd: ROOT,
      stdio: 'ignore',
    });
    build.on('exit', resolve);
    build.on('error', () => resolve(-1));
  });
  const main = join(outDir, 'src/main.js');
  if (code === 0 && existsSync(main)) {
    // Under node_modules/ the project's package.json is out of scope: mark the output as ESM.
    writeFileSync(join(outDir, 'package.json'), '{ "type": "module" }\n');
    return { args: [main, '--role=worker'], runtime: 'node (compiled build)', nodeOptions };
  }
  // tsx's CLI would run the program in a child process (whose memory we would not see).
  return {
    args: ['--import', 'tsx', join(ROOT, 'src/main.ts'), '--role=worker'],
    runtime: 'node --import tsx src/main.ts (build failed)',
    nodeOptions,
  };
}

/** VmRSS / VmHWM of a live process in MB (null once it has exited). */
export function procMemory(pid: number): { rssMb: number; hwmMb: number } | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN);
    return { rssMb: kb('VmRSS') / 1024, hwmMb: kb('VmHWM') / 1024 };
  } catch {
    return null;
  }
}

export interface WorkerProcess {
  child: ChildProcess;
  pid: number;
  output(): string;
  started(timeoutMs?: number): Promise<void>;
  /** SIGTERM, then SIGKILL after 15 s. */
  stop(): Promise<void>;
}

export function startWorker(build: WorkerBuild, env: Record<string, string>): WorkerProcess {
  const flags = (process.env.BENCH_WORKER_NODE_OPTIONS ?? '').split(/\s+/).filter(Boolean);
  const child: ChildProcess = spawn(process.execPath, [...flags, ...build.args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...(build.nodeOptions ? { NODE_OPTIONS: build.nodeOptions } : {}), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20_000);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const dump = process.env.BENCH_WORKER_OUTPUT;
  if (dump) {
    const append = (chunk: Buffer) => appendFileSync(dump, chunk);
    child.stdout?.on('data', append);
    child.stderr?.on('data', append);
  }
  const exited = new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  return {
    child,
    pid: child.pid ?? 0,
    output: () => output,
    async started(timeoutMs = 90_000) {
      const since = Date.now();
      while (!/gramdesk started/.test(output)) {
        if (child.exitCode !== null) throw new Error(`worker exited (${child.exitCode}) before starting:\n${output}`);
        if (Date.now() - since > timeoutMs) throw new Error(`worker did not start in time:\n${output}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
