// The server as users run it: a separate process started from src/main.ts, talking JSON logs on stdout.
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../src/platform/db/embedded-postgres.ts';
import { SERVER_HEAP_FLAGS, SERVER_V8_FLAGS } from '../../src/platform/heap-budget.ts';

const SERVER_DIR = fileURLToPath(new URL('../../', import.meta.url));

export interface ChildServer {
  url: string;
  process: ChildProcess;
  stdout: string[];
  stderr: string;
  /** Resolves with the exit code (or signal name). */
  exited: Promise<number | string>;
  logEvents(): Array<Record<string, unknown>>;
}

/** Variables a developer's shell may carry that would change what the child connects to. */
const INHERITED_TO_DROP = [
  'DATABASE_URL',
  'REDIS_URL',
  'MASTER_KEY',
  'BOT_TOKEN',
  'PORT',
  'HOST',
  'NODE_ENV',
  'DATA_DIR',
  'ADMIN_IDS',
  'DEV_LOGIN',
  'WB_SANDBOX',
];

/** `nodeArgs`: V8 flags that NODE_OPTIONS refuses (a benchmark's experiment, e.g. --trace-gc). */
export function spawnServer(env: Record<string, string>, nodeArgs: readonly string[] = []): ChildServer {
  const base = { ...process.env };
  for (const key of INHERITED_TO_DROP) delete base[key];
  // The production heap budget first, so NODE_OPTIONS given by the caller (a benchmark's experiment) can override it.
  const nodeOptions = [...SERVER_HEAP_FLAGS, base.NODE_OPTIONS ?? '', env.NODE_OPTIONS ?? ''].join(' ').trim();
  const child = spawn(process.execPath, [...SERVER_V8_FLAGS, ...nodeArgs, '--import', 'tsx', 'src/main.ts'], {
    cwd: SERVER_DIR,
    env: { ...base, LOG_LEVEL: 'info', ...env, NODE_OPTIONS: nodeOptions },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const result: ChildServer = {
    url: '',
    process: child,
    stdout: [],
    stderr: '',
    exited: new Promise((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal ?? 'unknown'))),
    logEvents: () =>
      result.stdout.flatMap((line) => {
        try {
          return [JSON.parse(line) as Record<string, unknown>];
        } catch {
          return [];
        }
      }),
  };
  let partial = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    const lines = (partial + chunk.toString()).split('\n');
    partial = lines.pop() ?? '';
    result.stdout.push(...lines.filter(Boolean));
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    result.stderr += chunk.toString();
  });
  return result;
}

/** Start the server and wait until it says it is listening. */
export async function startChildServer(env: Record<string, string>): Promise<ChildServer> {
  const port = env.PORT ?? String(await freePort());
  const server = spawnServer({ HOST: '127.0.0.1', ...env, PORT: port });
  await new Promise<void>((resolve, reject) => {
    const timer = setInterval(() => {
      if (server.logEvents().some((e) => e.event === 'server.listening')) {
        clearInterval(timer);
        resolve();
      }
    }, 25);
    void server.exited.then((code) => {
      clearInterval(timer);
      reject(new Error(`server exited (${code}) before listening:\n${server.stderr}\n${server.stdout.slice(-20).join('\n')}`));
    });
  });
  server.url = `http://127.0.0.1:${port}`;
  return server;
}

export async function stopChildServer(server: ChildServer, signal: NodeJS.Signals = 'SIGTERM'): Promise<number | string> {
  if (server.process.exitCode === null && server.process.signalCode === null) server.process.kill(signal);
  return server.exited;
}
