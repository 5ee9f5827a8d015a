import { describe, expect, it } from 'vitest';
import { captureLines } from './support/log-capture.ts';
import { createLogger } from '../src/logger.ts';

const capture = captureLines;

describe('createLogger', () => {
  it('never writes tokens, secrets or authorization headers', () => {
    const { lines, stream } = capture();
    const log = createLogger('info', stream);
    log.info({
      grant: { access_token: 'AT-SECRET', refresh_token: 'RT-SECRET', jwt: 'JWT-SECRET' },
      req: { headers: { authorization: 'Bearer AT-SECRET', cookie: 'sid=COOKIE-SECRET' } },
      device: { password: 'SIP-SECRET' },
      app: { clientSecret: 'CS-SECRET' },
    }, 'login');
    const text = lines.join('');
    expect(text).toContain('login');
    for (const secret of ['AT-SECRET', 'RT-SECRET', 'JWT-SECRET', 'COOKIE-SECRET', 'SIP-SECRET', 'CS-SECRET']) {
      expect(text).not.toContain(secret);
    }
    expect(text).toContain('[redacted]');
  });
});
