/** `npm run test:fast`: every test file except vitest.config.ts's SLOW_TESTS. */
import { testConfig } from './vitest.config.ts';

export default testConfig('fast');
