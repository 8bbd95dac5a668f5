import { loadConfigOrExit } from '@jobber/service-kit';
import { parseSeedArgs, USAGE } from './args.js';
import { loadSeedConfig } from './config.js';
import { runSeed } from './run.js';

/** `npm run seed -- [--seed 42] [--buyers 500] [--sellers 200] [--gigs 2000] …`: see run.ts, args.ts. */
const config = loadConfigOrExit('seed', () => loadSeedConfig());
let options;
try {
  options = parseSeedArgs(process.argv.slice(2));
} catch (error) {
  console.error(`${(error as Error).message}\n\n${USAGE}`);
  process.exit(2);
}
if (options === 'help') {
  console.log(USAGE);
  process.exit(0);
}
try {
  await runSeed(config, options, process.stdout);
} catch (error) {
  console.error(`\nseed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
