import { spawnSync } from 'node:child_process';
import { parse } from 'yaml';

/** The parts of a Compose service the stack test reads, in either form Compose accepts. */
export interface ComposeService {
  image?: string;
  build?: string | { context?: string; target?: string };
  command?: string | string[];
  restart?: string;
  environment?: Record<string, string | number | boolean | null> | string[];
  ports?: (string | { host_ip?: string; published?: string | number; target: number })[];
  healthcheck?: { test?: string | string[] };
  depends_on?: string[] | Record<string, { condition?: string }>;
  volumes?: (string | { source?: string; target?: string })[];
}
export interface ComposeModel {
  services: Record<string, ComposeService>;
}

/** Reads a compose file as YAML (anchors and `<<` merge keys resolved, as Compose does). */
export function parseComposeYaml(text: string): ComposeModel {
  return parse(text, { merge: true }) as ComposeModel;
}

export function environmentOf(service: ComposeService): Record<string, string> {
  const environment = service.environment ?? {};
  if (Array.isArray(environment)) {
    return Object.fromEntries(
      environment.map((entry) => {
        const at = entry.indexOf('=');
        return at < 0 ? [entry, ''] : [entry.slice(0, at), entry.slice(at + 1)];
      }),
    );
  }
  return Object.fromEntries(
    Object.entries(environment).map(([name, value]) => [name, value === null ? '' : String(value)]),
  );
}

export interface PublishedPort {
  hostIp: string;
  published: string;
  target: number;
}

/** `127.0.0.1:4000:4000/tcp` or the long form, as { hostIp, published, target }. */
export function publishedPorts(service: ComposeService): PublishedPort[] {
  return (service.ports ?? []).map((port) => {
    if (typeof port === 'object') {
      return {
        hostIp: port.host_ip ?? '',
        published: String(port.published ?? ''),
        target: Number(port.target),
      };
    }
    const parts = port.replace(/\/(tcp|udp)$/, '').split(':');
    const target = Number(parts.pop());
    const published = parts.pop() ?? '';
    return { hostIp: parts.pop() ?? '', published, target };
  });
}

/** depends_on as service → condition (the short list form means `service_started`). */
export function dependsOn(service: ComposeService): Record<string, string> {
  const dependencies = service.depends_on ?? {};
  if (Array.isArray(dependencies)) {
    return Object.fromEntries(dependencies.map((name) => [name, 'service_started']));
  }
  return Object.fromEntries(
    Object.entries(dependencies).map(([name, { condition }]) => [
      name,
      condition ?? 'service_started',
    ]),
  );
}

export const asList = (value: string | string[] | undefined): string[] =>
  value === undefined ? [] : Array.isArray(value) ? value : ['CMD-SHELL', value];

/**
 * `docker compose config` (the plugin, JSON) or `docker-compose config` (v1, YAML): whichever is
 * installed. Neither needs a Docker engine. Null when there is none.
 */
export function composeTool(
  cwd: string,
): { name: string; config(files: string[]): ComposeModel } | null {
  const works = (command: string, args: string[]) =>
    spawnSync(command, args, { cwd, encoding: 'utf8' }).status === 0;
  const run = (command: string, args: string[]) => {
    const result = spawnSync(command, args, { cwd, encoding: 'utf8', maxBuffer: 16 << 20 });
    if (result.status !== 0) {
      throw new Error(`${command} ${args.join(' ')} failed:\n${result.stderr || result.stdout}`);
    }
    return result.stdout;
  };
  const fileArgs = (files: string[]) => files.flatMap((file) => ['-f', file]);
  if (works('docker', ['compose', 'version'])) {
    return {
      name: 'docker compose config',
      config: (files) =>
        JSON.parse(
          run('docker', ['compose', ...fileArgs(files), 'config', '--format', 'json']),
        ) as ComposeModel,
    };
  }
  if (works('docker-compose', ['version'])) {
    return {
      name: 'docker-compose config',
      config: (files) => parseComposeYaml(run('docker-compose', [...fileArgs(files), 'config'])),
    };
  }
  return null;
}
