import { spawn, type ChildProcess } from 'node:child_process';

/** Runs a TypeScript entry point of the repository in its own Node process (no build needed). */
export function startProcess(
  name: string,
  entry: string,
  env: Record<string, string | undefined>,
): ChildProcess {
  const child = spawn(process.execPath, ['--conditions=@jobber/source', '--import', 'tsx', entry], {
    env,
    stdio: 'inherit',
    // Its own process group: Ctrl-C reaches only the launcher, which stops children gracefully.
    detached: true,
  });
  child.on('exit', (code, signal) => {
    if (code !== 0 && signal !== 'SIGTERM')
      console.error(`${name} exited (${signal ?? `code ${code}`})`);
  });
  return child;
}

/** Polls a readiness URL until it answers 200, or fails after `timeoutMs`. */
export async function waitUntilReady(
  name: string,
  url: string,
  child: ChildProcess,
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`${name} stopped while starting (code ${child.exitCode})`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${name} was not ready after ${timeoutMs / 1000} s (${url})`);
}

/** Sends SIGTERM to every child and waits for them to exit (graceful shutdown inside each). */
export async function stopAll(children: ChildProcess[]): Promise<void> {
  await Promise.all(
    children
      .filter((child) => child.exitCode === null)
      .map(
        (child) =>
          new Promise<void>((resolve) => {
            child.once('exit', () => resolve());
            child.kill('SIGTERM');
          }),
      ),
  );
}
