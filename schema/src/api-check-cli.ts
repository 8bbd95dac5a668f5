import { apiCheckFailed, formatApiCheck } from './breaking-changes.js';
import { checkRepositoryApi } from './api-check.js';

/** `npm run schema:check`: fails (exit 1) on a breaking change not listed as intended. */
const { result, skipped } = await checkRepositoryApi();
console.log(formatApiCheck(result, skipped));
if (apiCheckFailed(result)) process.exitCode = 1;
else console.log('No unlisted breaking changes.');
