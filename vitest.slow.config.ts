/** `npm run test:slow`: only vitest.config.ts's SLOW_TESTS (Chromium, builds, real models). */
import { testConfig } from './vitest.config.ts';

export default testConfig('slow');
