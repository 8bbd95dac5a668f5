import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IConfigMap } from 'kubernetes-models/v1/ConfigMap';
import type { IContainer } from 'kubernetes-models/v1/Container';
import { describe, expect, it } from 'vitest';
import { parseGatewayConfig } from '@jobber/gateway';
import { subgraphs } from '@jobber/supergraph';
import { findKustomize, overlays, renderOverlay, type Manifest } from './render.js';

// Each Deployment's environment, as the kubelet would hand it to the process (ConfigMaps,
// then `env` in order with $(VAR) expanded; a Secret's key stands in as a placeholder of the
// right shape), parsed by that service's own config.ts: a variable the manifests misspell or
// forget fails here, not at a pod's start.

const kustomize = findKustomize();

/** A stand-in for a Secret's value: PEM-shaped for keys, an SMTP URL for one, a word otherwise. */
function placeholder(key: string, variable: string): string {
  if (variable === 'SMTP_URL') return 'smtps://jobber:placeholder@relay.example:465';
  if (!key.endsWith('.pem')) return `placeholder${variable.length}`;
  const kind = key.startsWith('private') ? 'PRIVATE KEY' : 'PUBLIC KEY';
  return `-----BEGIN ${kind}-----\nAAAA\n-----END ${kind}-----`;
}

function processEnvironment(container: IContainer, configMaps: IConfigMap[]) {
  const env: Record<string, string> = {};
  for (const source of container.envFrom ?? []) {
    const map = configMaps.find((m) => m.metadata?.name === source.configMapRef?.name);
    Object.assign(env, map?.data);
  }
  for (const variable of container.env ?? []) {
    const secret = variable.valueFrom?.secretKeyRef;
    if (secret?.optional) continue;
    env[variable.name] = secret
      ? placeholder(secret.key, variable.name)
      : (variable.value ?? '').replace(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (whole, name: string) =>
          name in env ? (env[name] as string) : whole,
        );
  }
  return env;
}

type ParseConfig = (env: Record<string, string>) => {
  port: number;
  admin: { host: string; port: number };
  database: { url: string };
  events: { amqpUrl: string };
};

/** `parse<Name>Config` of the subgraph's package (`@jobber/<name>`), as each exports it. */
async function subgraphParser(name: string): Promise<ParseConfig> {
  const module = (await import(`@jobber/${name}`)) as Record<string, unknown>;
  const parse = module[`parse${name[0]?.toUpperCase()}${name.slice(1)}Config`];
  if (typeof parse !== 'function') throw new Error(`@jobber/${name} exports no parse config`);
  return parse as ParseConfig;
}

describe.skipIf(!kustomize).each(overlays)(
  'overlays/%s: each process parses its environment',
  (overlay) => {
    const all = kustomize ? renderOverlay(kustomize, overlay) : [];
    const configMaps = all.filter((m) => m.kind === 'ConfigMap') as unknown as IConfigMap[];
    const main = (name: string) => {
      const deployment = all.find((m) => m.kind === 'Deployment' && m.metadata.name === name) as
        (IDeployment & Manifest) | undefined;
      const container = deployment?.spec?.template.spec?.containers[0];
      if (!container) throw new Error(`no Deployment ${name}`);
      return processEnvironment(container, configMaps);
    };

    it('gateway: every subgraph at its Service, the admin port on the pod, the broker set', () => {
      const config = parseGatewayConfig(main('gateway'));
      expect(config.port).toBe(4000);
      expect(config.admin).toEqual({ host: '0.0.0.0', port: 9000 });
      expect(config.subgraphUrls).toEqual(
        Object.fromEntries(subgraphs.map(({ name }) => [name, `http://${name}:4000/graphql`])),
      );
      expect(config.trustProxy).toBe(1);
      expect(config.events?.amqpUrl).toMatch(/^amqp:\/\/[^:]+:[^@]+@rabbitmq:5672$/);
      expect(config.nodeEnv).toBe(overlay === 'dev' ? 'development' : 'production');
    });

    it.each(subgraphs.map(({ name }) => name))(
      '%s: its database through its pooler',
      async (name) => {
        const config = (await subgraphParser(name))(main(name));
        expect(config.port).toBe(4000);
        expect(config.admin).toEqual({ host: '0.0.0.0', port: 9000 });
        const url = new URL(config.database.url);
        expect(url.host).toBe(`${name}-pooler:5432`);
        expect(url.pathname).toBe(`/jobber_${name}`);
        expect(url.username).not.toBe('');
        expect(url.password).not.toBe('');
        expect(config.events.amqpUrl).toMatch(/^amqp:\/\/[^:]+:[^@]+@rabbitmq:5672$/);
      },
    );

    it("gigs: Elasticsearch through ECK's HTTPS service, as its own user", async () => {
      const env = main('gigs');
      const config = (await subgraphParser('gigs'))(env) as ReturnType<ParseConfig> & {
        elasticsearch: { url: string } | null;
      };
      const url = new URL(config.elasticsearch?.url ?? 'http://unset');
      expect(`${url.protocol}//${url.host}`).toBe('https://elasticsearch-es-http:9200');
      expect(url.username).not.toBe('');
      expect(url.password).not.toBe('');
      expect(env['NODE_EXTRA_CA_CERTS']).toBe('/etc/jobber/elasticsearch-ca/ca.crt');
    });
  },
);
