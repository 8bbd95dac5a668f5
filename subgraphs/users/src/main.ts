import { createLogger, stopOnSignals } from '@jobber/service-kit';
import { loadUsersConfig } from './config.js';
import { startUsersService } from './service.js';

const config = loadUsersConfig();
const logger = createLogger({ service: 'users', level: config.logLevel });
const service = await startUsersService(config, { logger });
stopOnSignals(logger, () => service.stop());
