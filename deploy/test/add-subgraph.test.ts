import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import { describe, expect, it } from 'vitest';
import { addSubgraph } from '../scripts/add-subgraph.js';
import { findKustomize, renderOverlay } from './render.js';
import { schemaProblems } from './schemas.js';

// deploy/scripts/add-subgraph.ts on a copy of deploy/kubernetes, for a subgraph not written yet
// (disputes): the new subgraph renders with
// everything the others have.
const kustomize = findKustomize();

describe.skipIf(!kustomize)('npm run add-subgraph -- disputes', () => {
  it('adds a folder, its line in the base, its gateway URL and its role', async () => {
    const all = renderOverlay(kustomize ?? [], 'production', (copy) => {
      addSubgraph(copy, 'disputes');
    });
    expect((await Promise.all(all.map(schemaProblems))).flat()).toEqual([]);
    const find = (kind: string, name: string) =>
      all.find((m) => m.kind === kind && m.metadata.name === name);
    for (const [kind, name] of [
      ['Deployment', 'disputes'],
      ['Service', 'disputes'],
      ['PodDisruptionBudget', 'disputes'],
      ['HorizontalPodAutoscaler', 'disputes'],
      ['NetworkPolicy', 'disputes'],
      ['NetworkPolicy', 'disputes-pooler'],
      ['Database', 'disputes'],
      ['Pooler', 'disputes-pooler'],
      ['Pooler', 'disputes-pooler-session'],
      ['ExternalSecret', 'disputes-database'],
      ['ConfigMap', 'disputes-config'],
    ] as const) {
      expect(find(kind, name), `${kind} ${name}`).toBeDefined();
    }
    const deployment = find('Deployment', 'disputes') as unknown as IDeployment;
    const pod = deployment.spec?.template.spec;
    expect(pod?.containers[0]?.args).toEqual(['node', 'subgraphs/disputes/dist/main.js']);
    expect(pod?.initContainers?.[0]?.env?.map((e) => e.name)).toContain('DISPUTES_DATABASE_URL');
    const gatewayConfig = all.find(
      (m) => m.kind === 'ConfigMap' && m.metadata.name.startsWith('gateway-config'),
    ) as unknown as { data: Record<string, string> };
    expect(gatewayConfig.data['DISPUTES_URL']).toBe('http://disputes:4000/graphql');
    const cluster = find('Cluster', 'postgres') as unknown as {
      spec: { managed: { roles: { name: string }[] } };
    };
    expect(cluster.spec.managed.roles.map((r) => r.name)).toContain('jobber_disputes');
  });
});
