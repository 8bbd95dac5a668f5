import { randomBytes } from 'node:crypto';
import {
  createDatabaseFromTemplate,
  databaseUrl,
  dropDatabase,
  templateDatabase,
} from '@jobber/db';
import { testConfig } from './config.js';

export interface TestDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/**
 * A database of its own for one test file: a copy of the subgraph's migrated template
 * (migrated once per run, copied in milliseconds). Drop it in afterAll.
 */
export async function createTestDatabase(subgraph: string): Promise<TestDatabase> {
  const adminUrl = testConfig.TEST_POSTGRES_URL;
  const template = await templateDatabase(subgraph, adminUrl);
  const name = `jobber_test_${subgraph}_${randomBytes(5).toString('hex')}`;
  await createDatabaseFromTemplate(adminUrl, template, name);
  return { name, url: databaseUrl(adminUrl, name), drop: () => dropDatabase(adminUrl, name) };
}
