import { z } from 'zod';
import type { Manifest } from './render.js';

interface Validatable {
  validate(): void;
}
type ModelClass = new (data: object) => Validatable;

/**
 * Kubernetes' own kinds: the models of the `kubernetes-models` package, whose validators are
 * compiled from the Kubernetes API's OpenAPI schemas (types, formats, required fields).
 * The External Secrets Operator's kinds: `@kubernetes-models/external-secrets`, compiled from
 * its CRDs the same way.
 */
async function modelClass(manifest: Manifest): Promise<ModelClass | null> {
  const [group, version] = manifest.apiVersion.includes('/')
    ? (manifest.apiVersion.split('/') as [string, string])
    : ['', manifest.apiVersion];
  const path = group.endsWith('external-secrets.io')
    ? `@kubernetes-models/external-secrets/${group}/${version}/${manifest.kind}`
    : group === '' || group.endsWith('.k8s.io') || !group.includes('.')
      ? `kubernetes-models/${group === '' ? '' : `${group}/`}${version}/${manifest.kind}`
      : null;
  if (path === null) return null;
  const module = (await import(path)) as Record<string, ModelClass | undefined>;
  return module[manifest.kind] ?? null;
}

const name = z.string().regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/);
const quantity = z.union([z.string().regex(/^\d+(\.\d+)?(m|Ki|Mi|Gi|Ti)?$/), z.number()]);
const ref = z.object({ name });
const resources = z.object({
  requests: z.object({ cpu: quantity, memory: quantity }),
  limits: z.object({ cpu: quantity, memory: quantity }),
});

/**
 * The operators' kinds whose CRDs no maintained npm package ships: the fields our manifests use,
 * as the operators' API references describe them (CloudNativePG 1.2x, RabbitMQ Cluster and
 * Messaging Topology operators, ECK 2.x). Unknown fields are refused (`strict`), so a typo fails
 * here instead of being dropped silently by the API server's pruning.
 */
const operatorSchemas: Record<string, z.ZodType> = {
  'postgresql.cnpg.io/v1 Cluster': z.object({
    spec: z
      .object({
        instances: z.number().int().min(1),
        primaryUpdateStrategy: z.enum(['unsupervised', 'supervised']).optional(),
        storage: z.object({ size: quantity }).strict(),
        postgresql: z
          .object({ parameters: z.record(z.string(), z.string()) })
          .strict()
          .optional(),
        resources: resources.optional(),
        affinity: z
          .object({ enablePodAntiAffinity: z.boolean(), topologyKey: z.string() })
          .strict()
          .optional(),
        managed: z
          .object({
            roles: z.array(
              z
                .object({
                  name: z.string().regex(/^[a-z_][a-z0-9_]*$/),
                  ensure: z.enum(['present', 'absent']).optional(),
                  login: z.boolean(),
                  passwordSecret: ref,
                })
                .strict(),
            ),
          })
          .strict(),
      })
      .strict(),
  }),
  'postgresql.cnpg.io/v1 Database': z.object({
    spec: z
      .object({
        cluster: ref,
        name: z.string().regex(/^[a-z_][a-z0-9_]*$/),
        owner: z.string().regex(/^[a-z_][a-z0-9_]*$/),
        ensure: z.enum(['present', 'absent']).optional(),
        databaseReclaimPolicy: z.enum(['retain', 'delete']).optional(),
      })
      .strict(),
  }),
  'postgresql.cnpg.io/v1 Pooler': z.object({
    spec: z
      .object({
        cluster: ref,
        instances: z.number().int().min(1),
        type: z.enum(['rw', 'ro', 'r']),
        pgbouncer: z
          .object({
            poolMode: z.enum(['session', 'transaction']),
            parameters: z.record(z.string(), z.string()).optional(),
          })
          .strict(),
      })
      .strict(),
  }),
  'rabbitmq.com/v1beta1 RabbitmqCluster': z.object({
    spec: z
      .object({
        replicas: z.number().int().min(1),
        resources: resources.optional(),
        persistence: z.object({ storage: quantity }).strict().optional(),
        rabbitmq: z.object({ additionalConfig: z.string() }).strict().optional(),
      })
      .strict(),
  }),
  'rabbitmq.com/v1beta1 User': z.object({
    spec: z.object({ rabbitmqClusterReference: ref, importCredentialsSecret: ref }).strict(),
  }),
  'rabbitmq.com/v1beta1 Permission': z.object({
    spec: z
      .object({
        vhost: z.string().min(1),
        userReference: ref,
        permissions: z
          .object({ configure: z.string(), write: z.string(), read: z.string() })
          .strict(),
        rabbitmqClusterReference: ref,
      })
      .strict(),
  }),
  'elasticsearch.k8s.elastic.co/v1 Elasticsearch': z.object({
    spec: z
      .object({
        version: z.string().regex(/^\d+\.\d+\.\d+$/),
        auth: z
          .object({
            fileRealm: z.array(z.object({ secretName: name }).strict()).optional(),
            roles: z.array(z.object({ secretName: name }).strict()).optional(),
          })
          .strict()
          .optional(),
        nodeSets: z
          .array(
            z
              .object({
                name,
                count: z.number().int().min(1),
                config: z.record(z.string(), z.unknown()).optional(),
                podTemplate: z.record(z.string(), z.unknown()).optional(),
                volumeClaimTemplates: z.array(z.record(z.string(), z.unknown())).optional(),
              })
              .strict(),
          )
          .min(1),
      })
      .strict(),
  }),
  'kibana.k8s.elastic.co/v1 Kibana': z.object({
    spec: z
      .object({
        version: z.string().regex(/^\d+\.\d+\.\d+$/),
        count: z.number().int().min(1),
        elasticsearchRef: ref,
      })
      .strict(),
  }),
};

/**
 * Kustomize writes a Secret's base64 data folded over several lines; the API server's decoder
 * (Go's base64) skips line breaks, the schema's `byte` pattern does not.
 */
function withoutLineBreaksInSecretData(manifest: Manifest): Manifest {
  if (manifest.kind !== 'Secret' || typeof manifest['data'] !== 'object') return manifest;
  const data = manifest['data'] as Record<string, string>;
  return {
    ...manifest,
    data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, v.replace(/\s+/g, '')])),
  };
}

/** Problems with one manifest against its schema; empty when it is valid. */
export async function schemaProblems(manifest: Manifest): Promise<string[]> {
  const id = `${manifest.kind}/${manifest.metadata?.name}`;
  const operator = operatorSchemas[`${manifest.apiVersion} ${manifest.kind}`];
  if (operator) {
    const result = operator.safeParse(manifest);
    return result.success
      ? []
      : result.error.issues.map((issue) => `${id}: ${issue.path.join('.')}: ${issue.message}`);
  }
  const Model = await modelClass(manifest);
  if (!Model) return [`${id}: no schema for ${manifest.apiVersion} ${manifest.kind}`];
  try {
    new Model(withoutLineBreaksInSecretData(manifest)).validate();
    return [];
  } catch (error) {
    return [`${id}: ${error instanceof Error ? error.message : String(error)}`];
  }
}
