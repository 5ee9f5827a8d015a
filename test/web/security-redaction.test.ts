/**
 * Secrets and phone numbers never reach a log line: passwords, API and session tokens, CSRF tokens, bootstrap
 * secrets, authorization and cookie headers at any depth, and E.164 numbers anywhere in values or messages —
 * including what the auth routes themselves log on a failed login.
 */
import { describe, expect, it } from 'vitest';
import { captureLines } from '../support/log-capture.ts';
import { createLogger, maskPhoneNumbers } from '../../src/logger.ts';

const capture = captureLines;

describe('log redaction', () => {
  it('censors secret-named fields at any depth, top level included', () => {
    const { lines, stream } = capture();
    const log = createLogger('info', stream);
    log.info(
      {
        password: 'PW-TOP-SECRET',
        user: { username: 'ann', password: 'PW-NESTED-SECRET', new_password: 'PW-NEW-SECRET' },
        request: { headers: { authorization: 'Bearer hh_abcd_TOKEN-SECRET', cookie: 'hh_session=SESSION-SECRET', 'x-csrf-token': 'CSRF-SECRET' } },
        deep: { a: { b: { c: { token: 'DEEP-TOKEN-SECRET', api_token: 'API-SECRET', _csrf: 'FORM-CSRF-SECRET' } } } },
        bootstrap_secret: 'BOOT-SECRET',
        list: [{ jwt: 'JWT-IN-LIST-SECRET' }],
      },
      'user event',
    );
    const text = lines.join('');
    for (const secret of ['PW-TOP', 'PW-NESTED', 'PW-NEW', 'TOKEN-SECRET', 'SESSION-SECRET', 'CSRF-SECRET', 'DEEP-TOKEN', 'API-SECRET', 'FORM-CSRF', 'BOOT-SECRET', 'JWT-IN-LIST']) {
      expect(text).not.toContain(secret);
    }
    expect(text).toContain('"username":"ann"');
    expect(text).toContain('[redacted]');
  });

  it('masks phone numbers in values and messages, keeping the last two digits', () => {
    const { lines, stream } = capture();
    const log = createLogger('info', stream);
    log.info({ target: { kind: 'number', phoneNumber: '+12125550123' }, note: 'called +18668604259 twice', ids: ['400111222444'] }, 'transfer to +13105550199 failed');
    const text = lines.join('');
    for (const number of ['+12125550123', '2125550123', '+18668604259', '8668604259', '+13105550199', '3105550199']) expect(text).not.toContain(number);
    expect(text).toContain('+…23');
    expect(text).toContain('called +…59 twice');
    expect(text).toContain('transfer to +…99 failed');
    // Ids that are not E.164 numbers stay readable.
    expect(text).toContain('400111222444');
    expect(maskPhoneNumbers('+442071838750 and +15')).toBe('+…50 and +15');
  });

  it('keeps errors intact for their serializer', () => {
    const { lines, stream } = capture();
    const log = createLogger('info', stream);
    log.error({ err: new Error('Redis went away') }, 'failed');
    expect(lines.join('')).toContain('Redis went away');
  });
});
