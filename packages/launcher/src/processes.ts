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
  child.on('error', (error) => console.error(`${name}: ${error.message}`));
  return child;
}

/** Whether the process has ended (by an exit code or a signal). */
export function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

/** Polls a readiness URL until it answers 200, or fails after `timeoutMs`. */
export async function waitUntilReady(
  name: string,
  url: string,
  child: ChildProcess,
  timeoutMs = 120_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (hasExited(child)) {
      throw new Error(
        `${name} stopped while starting (${child.signalCode ?? `code ${child.exitCode}`})`,
      );
    }
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${name} was not ready after ${timeoutMs / 1000} s (${url})`);
}

/** Sends SIGTERM (graceful shutdown inside the service) and waits for the exit; a process still
 * running after `killAfterMs` gets SIGKILL, so stopping never hangs. */
export async function stopProcess(
  child: ChildProcess,
  name: string,
  logError: (line: string) => void = console.error,
  killAfterMs = 15_000,
): Promise<void> {
  if (hasExited(child)) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => {
    logError(`${name} did not stop within ${killAfterMs / 1000} s of SIGTERM: killing it`);
    child.kill('SIGKILL');
  }, killAfterMs);
  await exited;
  clearTimeout(timer);
}
