import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

const WRITER = join(import.meta.dirname, 'writer.ts');

export interface Writer {
  child: ChildProcess;
  /** Every run id the child printed (complete lines only), in order. */
  ids: number[];
  /** Resolves once the child printed "ready" (with `wait`). */
  ready: Promise<void>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
}

/** Starts a writer child (see writer.ts). With `wait`, it records nothing until {@link go}. */
export function startWriter(store: string, label: string, count: number, groups: number, wait = false): Writer {
  const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), WRITER, store, label, String(count), String(groups), ...(wait ? ['--wait'] : [])], { stdio: ['pipe', 'pipe', 'pipe'] });
  const ids: number[] = [];
  let buffer = '';
  let stderr = '';
  let markReady: () => void = () => {};
  const ready = new Promise<void>((r) => (markReady = r));
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    buffer += chunk;
    const lines = buffer.split('\n');
    buffer = lines.pop()!;
    for (const line of lines) {
      if (line === 'ready') markReady();
      else ids.push(Number(line));
    }
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((done) => child.on('close', (code, signal) => done({ code, signal, stderr })));
  const readyOrExit = Promise.race([ready, exited.then((e) => Promise.reject(new Error(`writer exited before it was ready: ${e.stderr}`)))]);
  readyOrExit.catch(() => {}); // Observed only by callers that wait for it.
  return { child, ids, ready: readyOrExit, exited };
}

/** Lets a waiting writer start. */
export function go(w: Writer): void {
  w.child.stdin!.write('go\n');
}

/** Resolves once the writer has printed at least `n` ids (rejects when it exits first). */
export async function waitForIds(w: Writer, n: number): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (w.ids.length < n) {
    if (w.child.exitCode !== null || w.child.signalCode !== null) throw new Error(`writer exited early: ${(await w.exited).stderr}`);
    if (Date.now() > deadline) throw new Error(`writer printed only ${w.ids.length} ids`);
    await new Promise((r) => setTimeout(r, 2));
  }
}
