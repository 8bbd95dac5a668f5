import { defineConfig } from 'prisma/config';

// Used by the Prisma 7 CLI (`prisma generate`). Migrations run through `jobber-db` (packages/db).
export default defineConfig({
  schema: 'schema.prisma',
  datasource: {
    url:
      process.env['NOTIFICATIONS_DATABASE_URL'] ??
      'postgresql://postgres@127.0.0.1:5432/jobber_notifications',
  },
});
