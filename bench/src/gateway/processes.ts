// Spawning the workload's processes pinned to a core (taskset) and waiting until they answer.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { childProcessEnv } from '@jobber/test-kit';

export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

export interface Pinned {
  child: ChildProcess;
  output: Promise<string>;
}

/** `node [nodeFlags] --import tsx <entry> args` on `core`, its stdout collected. */
export function spawnPinned(
  core: number,
  entry: string,
  args: string[],
  env: Record<string, string> = {},
  nodeFlags: string[] = [],
): Pinned {
  const child = spawn(
    'taskset',
    [
      '-c',
      String(core),
      process.execPath,
      ...nodeFlags,
      '--conditions=@jobber/source',
      '--import',
      'tsx',
      `${repoRoot}${entry}`,
      ...args,
    ],
    { env: childProcessEnv(env), stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let text = '';
  child.stdout?.setEncoding('utf8');
  child.stdout?.on('data', (chunk: string) => (text += chunk));
  const output = new Promise<string>((resolve) => child.once('exit', () => resolve(text)));
  return { child, output };
}

/** The first line the process prints (it says it is ready). */
export function firstLine({ child }: Pinned): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const onData = (chunk: string) => {
      text += chunk;
      const end = text.indexOf('\n');
      if (end >= 0) {
        child.stdout?.off('data', onData);
        resolve(text.slice(0, end));
      }
    };
    child.stdout?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`exited (${code}) before it was ready`)));
  });
}

export async function stopPinned({ child }: Pinned): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

/** User + system CPU of a process so far, in ms (Linux /proc; 100 ticks a second). */
export function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** POSTs the query until the gateway answers 200 (or the deadline passes); returns the body. */
export async function waitForAnswer(
  url: string,
  body: string,
  timeoutMs = 60_000,
): Promise<unknown> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let last: string;
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
      last = await response.text();
      if (response.ok) return JSON.parse(last) as unknown;
    } catch (error) {
      last = String(error);
    }
    if (Date.now() > deadline) throw new Error(`${url} did not answer: ${last.slice(0, 500)}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
