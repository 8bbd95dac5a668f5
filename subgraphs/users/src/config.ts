import { subgraphConfig } from '@jobber/service-kit';

export const parseUsersConfig = subgraphConfig({ port: 4002 });
export type UsersConfig = ReturnType<typeof parseUsersConfig>;

export const loadUsersConfig = (): UsersConfig => parseUsersConfig(process.env);
