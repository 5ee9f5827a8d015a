import { describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import { createLogger } from '../src/logger.ts';

function capture(): { lines: string[]; stream: Writable } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { lines, stream };
}

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
