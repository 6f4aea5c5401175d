// `npm run serve -- --port N` (issue 11 item 7): an integer in 0..65535, in the usage text and
// in the error. On the old code the usage text did not give the range (the check was there).
import { describe, expect, it } from 'vitest';
import { parseServeArgs, SERVE_USAGE } from '../../src-server/parseServeArgs';

describe('serve: --port', () => {
  it('takes an integer in 0..65535 (0 or absent: a free port)', () => {
    expect(parseServeArgs([], '/x', '/home/u').port).toBe(0);
    expect(parseServeArgs(['--port', '0'], '/x', '/home/u').port).toBe(0);
    expect(parseServeArgs(['--port', '65535'], '/x', '/home/u').port).toBe(65535);
    expect(parseServeArgs(['--port', '08080'], '/x', '/home/u').port).toBe(8080);
  });

  it('refuses anything else, naming the option and the range (values given as --port=v, so that -1 reaches the check)', () => {
    for (const v of ['65536', '-1', '1e3', '0x50', '80.5', ' 80', '', 'eighty', '999999']) {
      expect(() => parseServeArgs([`--port=${v}`], '/x', '/home/u'), v).toThrow(`serve: --port must be an integer in 0..65535, got ${JSON.stringify(v)}`);
    }
  });

  it('the usage text gives the range', () => {
    expect(SERVE_USAGE).toContain('--port N       port, an integer in 0..65535 (0 or absent: a free one)');
  });
});
