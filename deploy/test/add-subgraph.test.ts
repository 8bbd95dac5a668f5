import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import { describe, expect, it } from 'vitest';
import { addSubgraph } from '../scripts/add-subgraph.js';
import { findKustomize, renderOverlay } from './render.js';
import { schemaProblems } from './schemas.js';

// deploy/scripts/add-subgraph.ts on a copy of deploy/kubernetes: the new subgraph renders with
// everything the others have.
const kustomize = findKustomize();

describe.skipIf(!kustomize)('npm run add-subgraph -- reviews', () => {
  it('adds a folder, its line in the base, its gateway URL and its role', async () => {
    const all = renderOverlay(kustomize ?? [], 'production', (copy) => {
      addSubgraph(copy, 'reviews');
    });
    expect((await Promise.all(all.map(schemaProblems))).flat()).toEqual([]);
    const find = (kind: string, name: string) =>
      all.find((m) => m.kind === kind && m.metadata.name === name);
    for (const [kind, name] of [
      ['Deployment', 'reviews'],
      ['Service', 'reviews'],
      ['PodDisruptionBudget', 'reviews'],
      ['HorizontalPodAutoscaler', 'reviews'],
      ['NetworkPolicy', 'reviews'],
      ['NetworkPolicy', 'reviews-pooler'],
      ['Database', 'reviews'],
      ['Pooler', 'reviews-pooler'],
      ['Pooler', 'reviews-pooler-session'],
      ['ExternalSecret', 'reviews-database'],
      ['ConfigMap', 'reviews-config'],
    ] as const) {
      expect(find(kind, name), `${kind} ${name}`).toBeDefined();
    }
    const deployment = find('Deployment', 'reviews') as unknown as IDeployment;
    const pod = deployment.spec?.template.spec;
    expect(pod?.containers[0]?.args).toEqual(['node', 'subgraphs/reviews/dist/main.js']);
    expect(pod?.initContainers?.[0]?.env?.map((e) => e.name)).toContain('REVIEWS_DATABASE_URL');
    const gatewayConfig = all.find(
      (m) => m.kind === 'ConfigMap' && m.metadata.name.startsWith('gateway-config'),
    ) as unknown as { data: Record<string, string> };
    expect(gatewayConfig.data['REVIEWS_URL']).toBe('http://reviews:4000/graphql');
    const cluster = find('Cluster', 'postgres') as unknown as {
      spec: { managed: { roles: { name: string }[] } };
    };
    expect(cluster.spec.managed.roles.map((r) => r.name)).toContain('jobber_reviews');
  });
});
