import { createLogger, loadConfigOrExit, stopOnSignals } from '@jobber/service-kit';
import { loadGatewayConfig } from './config.js';
import { startGateway } from './server.js';

const config = loadConfigOrExit('gateway', loadGatewayConfig);
const logger = createLogger({ service: 'gateway', level: config.logLevel });
const gateway = await startGateway(config, logger);
stopOnSignals(logger, () => gateway.stop());
