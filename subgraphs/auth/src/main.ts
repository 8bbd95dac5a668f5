import { createLogger, loadConfigOrExit, stopOnSignals } from '@jobber/service-kit';
import { loadAuthConfig } from './config.js';
import { startAuthService } from './service.js';

const config = loadConfigOrExit('auth', loadAuthConfig);
const logger = createLogger({ service: 'auth', level: config.logLevel });
const service = await startAuthService(config, { logger });
stopOnSignals(logger, () => service.stop());
