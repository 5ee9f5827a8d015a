import { describe, expect, it } from 'vitest';
import { parseSessionMapValue, sessionMapValue } from '../../src/store/session-map.ts';

describe('session map entries', () => {
  it('reads back the job and line a dial wrote', () => {
    expect(parseSessionMapValue(sessionMapValue({ jobId: 'job-7', callId: 'call-12' }))).toEqual({ jobId: 'job-7', callId: 'call-12' });
  });

  it('splits at the first space only, as deliver-webhook-3.lua does', () => {
    expect(parseSessionMapValue('job-7 call 12')).toEqual({ jobId: 'job-7', callId: 'call 12' });
  });

  it('names no owner for a missing entry or one without a job id', () => {
    for (const value of [null, undefined, '', 'job-7', ' call-1']) expect(parseSessionMapValue(value)).toBeUndefined();
  });
});
