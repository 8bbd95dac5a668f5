import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IHorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import type { INetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import type { IIngress } from 'kubernetes-models/networking.k8s.io/v1/Ingress';
import type { IPodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import type { IConfigMap } from 'kubernetes-models/v1/ConfigMap';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IPodSpec } from 'kubernetes-models/v1/PodSpec';
import type { ISecret } from 'kubernetes-models/v1/Secret';
import type { IService } from 'kubernetes-models/v1/Service';
import { describe, expect, it } from 'vitest';
import { subgraphs } from '@jobber/supergraph';
import { findKustomize, overlays, renderOverlay, repoDir, type Manifest } from './render.js';
import { schemaProblems } from './schemas.js';

// deploy/kubernetes rendered as `kubectl kustomize overlays/<name>` renders it, each object
// validated offline against its schema, then the invariants (issue 20, README.md).

const kustomize = findKustomize();
if (!kustomize) console.log('deploy: kubectl (or kustomize) not found: manifests not rendered');

const ADMIN_PORT = 9000;
const PUBLIC_PORT = 4000;
/** startHttpService's default drain (docs/2026-12-02-graceful-stop.md). */
const HTTP_DRAIN_SECONDS = 10;
const SECRET_NAME = /KEY|PASSWORD|SECRET|TOKEN|USERNAME|CREDENTIAL/;
const PEM = /-----BEGIN /;
/** A URL's user info that is not only $(VAR) references. */
const INLINE_CREDENTIALS = /:\/\/(?!\$\([A-Z_]+\):\$\([A-Z_]+\)@)[^/@\s]+@/;

const of = <T>(all: Manifest[], kind: string) =>
  all.filter((m) => m.kind === kind) as unknown as (T & Manifest)[];
const named = <T extends Manifest>(all: T[], name: string) => {
  const found = all.find((m) => m.metadata.name === name);
  if (!found) throw new Error(`no ${name}`);
  return found;
};
function podOf(deployment: IDeployment): IPodSpec {
  const pod = deployment.spec?.template.spec;
  if (!pod) throw new Error(`Deployment ${deployment.metadata?.name} has no pod template`);
  return pod;
}
const containersOf = (deployment: IDeployment): IContainer[] => [
  ...(podOf(deployment).initContainers ?? []),
  ...podOf(deployment).containers,
];
const labelsOf = (deployment: IDeployment) => deployment.spec?.template.metadata?.labels ?? {};
const matches = (selector: Record<string, string> | undefined, labels: Record<string, string>) =>
  Object.entries(selector ?? {}).every(([key, value]) => labels[key] === value);
/** The policies that apply to a Deployment's pods (matchLabels and the `In` expressions we use). */
function policiesFor(policies: INetworkPolicy[], deployment: IDeployment) {
  const labels = labelsOf(deployment);
  return policies.filter(({ spec }) => {
    const selector = spec?.podSelector;
    return (
      matches(selector?.matchLabels, labels) &&
      (selector?.matchExpressions ?? []).every(
        ({ key, operator, values }) => operator === 'In' && values?.includes(labels[key] ?? ''),
      )
    );
  });
}
/** Every env value a container gets from a ConfigMap (envFrom) or its own `env`. */
function environmentOf(container: IContainer | undefined, configMaps: IConfigMap[]) {
  const env: Record<string, string> = {};
  if (!container) return env;
  for (const source of container.envFrom ?? []) {
    const map = configMaps.find((m) => m.metadata?.name === source.configMapRef?.name);
    if (source.configMapRef && !map) throw new Error(`no ConfigMap ${source.configMapRef.name}`);
    Object.assign(env, map?.data);
  }
  for (const variable of container.env ?? []) {
    if (variable.value !== undefined) env[variable.name] = variable.value;
  }
  return env;
}

describe.skipIf(!kustomize).each(overlays)('deploy/kubernetes/overlays/%s', (overlay) => {
  const all = kustomize ? renderOverlay(kustomize, overlay) : [];
  const deployments = of<IDeployment>(all, 'Deployment');
  const services = of<IService>(all, 'Service');
  const policies = of<INetworkPolicy>(all, 'NetworkPolicy');
  const configMaps = of<IConfigMap>(all, 'ConfigMap');
  const gateway = () => named(deployments, 'gateway');

  it('renders, every object valid against its schema, in the jobber namespace', async () => {
    expect(all.length).toBeGreaterThan(50);
    const problems = (await Promise.all(all.map(schemaProblems))).flat();
    expect(problems).toEqual([]);
    for (const manifest of all) {
      if (manifest.kind !== 'Namespace') expect(manifest.metadata.namespace).toBe('jobber');
    }
    // No placeholder of the subgraph component is left anywhere.
    expect(JSON.stringify(all)).not.toContain('SUBGRAPH');
  });

  it('has the gateway and a Deployment, Service, database, role and poolers per subgraph', () => {
    const names = subgraphs.map(({ name }) => name);
    expect(deployments.map((d) => d.metadata.name).sort()).toEqual(['gateway', ...names].sort());
    const gatewayEnv = environmentOf(podOf(gateway()).containers[0], configMaps);
    const cluster = named(all, 'postgres') as Manifest & {
      spec: { managed: { roles: { name: string; passwordSecret: { name: string } }[] } };
    };
    for (const name of names) {
      const deployment = named(deployments, name);
      const [migrate] = podOf(deployment).initContainers ?? [];
      const [main] = podOf(deployment).containers;
      expect(main?.args).toEqual(['node', `subgraphs/${name}/dist/main.js`]);
      expect(existsSync(join(repoDir, `subgraphs/${name}/src/main.ts`))).toBe(true);
      // Migrations: the same tool and command as everywhere, on this subgraph only.
      expect(migrate?.name).toBe('migrate');
      expect(migrate?.image).toBe(main?.image);
      expect(migrate?.args).toEqual([
        'node',
        'packages/db/bin/jobber-db.mjs',
        'migrate',
        'deploy',
        name,
      ]);
      const variable = `${name.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}_DATABASE_URL`;
      expect(migrate?.env?.map((e) => e.name)).toContain(variable);
      expect(environmentOf(migrate, configMaps)['DATABASE_HOST']).toBe(`${name}-pooler-session`);
      expect(environmentOf(main, configMaps)['DATABASE_HOST']).toBe(`${name}-pooler`);
      expect(existsSync(join(repoDir, `prisma/${name}/migrations`))).toBe(true);
      // Reached by the gateway through its Service, on the public port.
      expect(named(services, name).spec?.ports?.map((p) => p.port)).toEqual([PUBLIC_PORT]);
      expect(gatewayEnv[`${name.toUpperCase()}_URL`]).toBe(`http://${name}:${PUBLIC_PORT}/graphql`);
      // Its database, owned by its role, whose password the cluster reads from its Secret.
      const database = all.find(
        (m) => m.kind === 'Database' && m.metadata.name === name,
      ) as unknown as Manifest & { spec: { name: string; owner: string } };
      expect(database.spec).toMatchObject({ name: `jobber_${name}`, owner: `jobber_${name}` });
      expect(cluster.spec.managed.roles).toContainEqual(
        expect.objectContaining({
          name: `jobber_${name}`,
          passwordSecret: { name: `${name}-database` },
        }),
      );
      const poolers = all.filter((m) => m.kind === 'Pooler').map((m) => m.metadata.name);
      expect(poolers).toEqual(expect.arrayContaining([`${name}-pooler`, `${name}-pooler-session`]));
    }
  });

  it('exposes only the gateway: one Ingress to its Service, no other way in', () => {
    const ingresses = of<IIngress>(all, 'Ingress');
    expect(ingresses.map((i) => i.metadata.name)).toEqual(['gateway']);
    const backends = ingresses.flatMap(
      (i) => i.spec?.rules?.flatMap((r) => r.http?.paths.map((p) => p.backend.service?.name)) ?? [],
    );
    expect(new Set(backends)).toEqual(new Set(['gateway']));
    for (const service of services) {
      expect(service.spec?.type ?? 'ClusterIP', service.metadata.name).toBe('ClusterIP');
      // The admin port is on no Service.
      expect(service.spec?.ports?.map((p) => p.targetPort)).not.toContain('admin');
    }
    for (const deployment of deployments) {
      const pod = podOf(deployment);
      expect(pod.hostNetwork ?? false).toBe(false);
      for (const container of containersOf(deployment)) {
        expect(container.ports?.some((p) => p.hostPort !== undefined) ?? false).toBe(false);
      }
    }
  });

  it('has NetworkPolicies: only gateway pods reach subgraphs, each subgraph only its own poolers and RabbitMQ', () => {
    for (const deployment of deployments) {
      const name = deployment.metadata.name;
      const applying = policiesFor(policies, deployment);
      // Default deny both ways for every Jobber process.
      expect(
        applying.some(
          (p) =>
            p.spec?.policyTypes?.includes('Ingress') &&
            p.spec.policyTypes.includes('Egress') &&
            (p.spec.ingress ?? []).length === 0 &&
            (p.spec.egress ?? []).length === 0,
        ),
        name,
      ).toBe(true);
      const ingress = applying.flatMap((p) => p.spec?.ingress ?? []);
      const egress = applying.flatMap((p) => p.spec?.egress ?? []);
      for (const rule of ingress) {
        const ports = rule.ports?.map((p) => p.port);
        const [from] = rule.from ?? [];
        expect(rule.from, `${name}: an ingress rule without 'from'`).toHaveLength(1);
        const namespace = from?.namespaceSelector?.matchLabels?.['kubernetes.io/metadata.name'];
        if (namespace === 'monitoring') expect(ports).toEqual(['admin']);
        else if (name === 'gateway') {
          expect(namespace).toBe('ingress-nginx');
          expect(ports).toEqual(['http']);
        } else {
          expect(from?.namespaceSelector).toBeUndefined();
          expect(from?.podSelector?.matchLabels).toEqual({ 'jobber/role': 'gateway' });
          expect(ports).toEqual(['http']);
        }
      }
      for (const rule of egress) {
        expect(rule.to?.length, `${name}: an egress rule to anywhere`).toBeGreaterThan(0);
        const ports = rule.ports?.map((p) => p.port);
        // Outside the cluster (Stripe's API, an SMTP relay): a subgraph only, HTTPS or
        // submission ports only, never the cluster's private ranges.
        if (rule.to?.some((to) => to.ipBlock)) {
          expect(name, 'the gateway reaches nothing outside').not.toBe('gateway');
          expect(ports?.every((port) => [443, 465, 587].includes(Number(port)))).toBe(true);
          for (const to of rule.to ?? []) {
            expect(to.ipBlock?.except).toEqual(
              expect.arrayContaining(['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16']),
            );
          }
          continue;
        }
        for (const to of rule.to ?? []) {
          const labels = to.podSelector?.matchLabels ?? {};
          const namespace = to.namespaceSelector?.matchLabels?.['kubernetes.io/metadata.name'];
          if (namespace === 'kube-system') expect(labels).toEqual({ 'k8s-app': 'kube-dns' });
          else if (labels['app.kubernetes.io/name'] === 'rabbitmq') expect(ports).toEqual([5672]);
          else if (name === 'gateway') {
            expect(labels).toEqual({ 'jobber/role': 'subgraph' });
            expect(ports).toEqual([PUBLIC_PORT]);
          } else if (labels['cnpg.io/poolerName']) {
            expect([`${name}-pooler`, `${name}-pooler-session`]).toContain(
              labels['cnpg.io/poolerName'],
            );
            expect(ports).toEqual([5432]);
          } else {
            // Only gigs searches, on Elasticsearch's HTTP port.
            expect(name).toBe('gigs');
            expect(labels).toEqual({
              'elasticsearch.k8s.elastic.co/cluster-name': 'elasticsearch',
            });
            expect(ports).toEqual([9200]);
          }
          expect(to.namespaceSelector === undefined || namespace === 'kube-system').toBe(true);
        }
      }
    }
    // Each subgraph's poolers admit that subgraph's pods alone (and the metrics scraper).
    for (const { name } of subgraphs) {
      const policy = named(policies, `${name}-pooler`);
      expect(policy.spec?.podSelector?.matchExpressions?.[0]?.values).toEqual([
        `${name}-pooler`,
        `${name}-pooler-session`,
      ]);
      const froms = (policy.spec?.ingress ?? []).map((rule) => rule.from?.[0]);
      expect(froms).toContainEqual({
        podSelector: { matchLabels: { 'app.kubernetes.io/name': name } },
      });
      for (const from of froms) {
        if (from?.namespaceSelector) {
          expect(from.namespaceSelector.matchLabels).toEqual({
            'kubernetes.io/metadata.name': 'monitoring',
          });
        } else
          expect(from).toEqual({
            podSelector: { matchLabels: { 'app.kubernetes.io/name': name } },
          });
      }
    }
  });

  it('probes readiness and liveness on the admin port, which the processes bind on the pod', () => {
    for (const deployment of deployments) {
      const [main] = podOf(deployment).containers;
      const env = environmentOf(main, configMaps);
      expect(env['ADMIN_PORT']).toBe(String(ADMIN_PORT));
      expect(env['ADMIN_HOST']).toBe('0.0.0.0');
      expect(env['PORT']).toBe(String(PUBLIC_PORT));
      expect(main?.ports).toEqual(
        expect.arrayContaining([
          { name: 'admin', containerPort: ADMIN_PORT },
          { name: 'http', containerPort: PUBLIC_PORT },
        ]),
      );
      expect(main?.readinessProbe?.httpGet).toEqual({ path: '/readyz', port: 'admin' });
      // /readyz waits up to 2 s for a check (docs/2026-12-02-admin-port.md): more than that.
      expect(main?.readinessProbe?.timeoutSeconds).toBeGreaterThanOrEqual(3);
      expect(main?.livenessProbe?.httpGet).toEqual({ path: '/healthz', port: 'admin' });
      expect(main?.startupProbe?.httpGet?.port).toBe('admin');
    }
  });

  it('keeps every secret value out of the manifests (secretKeyRef only)', () => {
    for (const deployment of deployments) {
      for (const container of containersOf(deployment)) {
        for (const variable of container.env ?? []) {
          const where = `${deployment.metadata.name}/${container.name} ${variable.name}`;
          if (SECRET_NAME.test(variable.name) && !variable.name.endsWith('_URL')) {
            expect(variable.valueFrom?.secretKeyRef, where).toBeDefined();
          }
          expect(variable.value ?? '', where).not.toMatch(PEM);
          expect(variable.value ?? '', where).not.toMatch(INLINE_CREDENTIALS);
        }
      }
    }
    for (const map of configMaps) {
      for (const [key, value] of Object.entries(map.data ?? {})) {
        const where = `ConfigMap ${map.metadata?.name} ${key}`;
        expect(key, where).not.toMatch(SECRET_NAME);
        expect(value, where).not.toMatch(PEM);
        expect(value, where).not.toMatch(INLINE_CREDENTIALS);
      }
    }
    // Secrets in the output: role definitions (no credential) everywhere, and in dev the
    // key pairs the secretGenerator made from local files. Everything else is an ExternalSecret.
    const secrets = of<ISecret>(all, 'Secret').map((s) =>
      s.metadata.name.replace(/-[a-z0-9]{10}$/, ''),
    );
    expect(secrets.sort()).toEqual(
      overlay === 'dev'
        ? ['access-tokens', 'elasticsearch-roles', 'internal-credential']
        : ['elasticsearch-roles'],
    );
    const roles = named(of<ISecret>(all, 'Secret'), 'elasticsearch-roles');
    expect(Object.keys(roles.data ?? {})).toEqual(['roles.yml']);
    // Every Secret a pod refers to comes from somewhere: an ExternalSecret, a generator, or
    // an operator (ECK's CA), or is optional.
    const provided = new Set([
      ...of<ISecret>(all, 'Secret').map((s) => s.metadata.name),
      ...all
        .filter((m) => m.kind === 'ExternalSecret')
        .map((m) => (m as Manifest & { spec: { target: { name: string } } }).spec.target.name),
      'elasticsearch-es-http-certs-public',
    ]);
    for (const deployment of deployments) {
      for (const container of containersOf(deployment)) {
        for (const variable of container.env ?? []) {
          const ref = variable.valueFrom?.secretKeyRef;
          if (ref && !ref.optional) expect(provided, `${ref.name}`).toContain(ref.name);
        }
      }
      for (const volume of podOf(deployment).volumes ?? []) {
        if (volume.secret) expect(provided).toContain(volume.secret.secretName);
      }
    }
  });

  it('gives every Deployment requests, limits, a PodDisruptionBudget and a HorizontalPodAutoscaler', () => {
    const budgets = of<IPodDisruptionBudget>(all, 'PodDisruptionBudget');
    const autoscalers = of<IHorizontalPodAutoscaler>(all, 'HorizontalPodAutoscaler');
    for (const deployment of deployments) {
      const name = deployment.metadata.name;
      for (const container of containersOf(deployment)) {
        const { requests, limits } = container.resources ?? {};
        expect(requests, `${name}/${container.name}`).toMatchObject({
          cpu: expect.anything(),
          memory: expect.anything(),
        });
        expect(limits, `${name}/${container.name}`).toMatchObject({
          cpu: expect.anything(),
          memory: expect.anything(),
        });
      }
      const labels = labelsOf(deployment);
      expect(budgets.filter((b) => matches(b.spec?.selector?.matchLabels, labels))).toHaveLength(1);
      const scalers = autoscalers.filter(
        (a) => a.spec?.scaleTargetRef.kind === 'Deployment' && a.spec.scaleTargetRef.name === name,
      );
      expect(scalers, name).toHaveLength(1);
      expect(scalers[0]?.spec?.minReplicas).toBeGreaterThanOrEqual(overlay === 'dev' ? 1 : 2);
      // The autoscaler owns the count: a `replicas` here would be reset by every apply.
      expect(deployment.spec?.replicas, name).toBeUndefined();
    }
  });

  it('gives each process the time to drain before it is killed', () => {
    for (const deployment of deployments) {
      const pod = podOf(deployment);
      const [main] = pod.containers;
      const preStop = main?.lifecycle?.preStop?.exec?.command;
      expect(preStop?.[0]).toBe('sleep');
      const preStopSeconds = Number(preStop?.[1]);
      // preStop, then SIGTERM: the HTTP drain, then the service's own stop (consumers, relay,
      // pools) in what is left; the kubelet kills only after the whole grace period.
      expect(pod.terminationGracePeriodSeconds).toBeGreaterThanOrEqual(
        preStopSeconds + HTTP_DRAIN_SECONDS + 10,
      );
      expect(deployment.spec?.strategy?.rollingUpdate?.maxUnavailable).toBe(0);
    }
  });

  it('runs three RabbitMQ nodes and three PostgreSQL instances in production, one in dev', () => {
    const replicas = (kind: string) =>
      (all.find((m) => m.kind === kind) as Manifest & { spec: Record<string, unknown> }).spec;
    if (overlay === 'production') {
      expect(replicas('RabbitmqCluster')['replicas']).toBe(3);
      expect(replicas('Cluster')['instances']).toBe(3);
    } else {
      expect(replicas('RabbitmqCluster')['replicas']).toBe(1);
    }
  });
});
