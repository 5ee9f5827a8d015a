import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.ts';

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('loadConfig', () => {
  it('defaults to demo mode with the documented defaults', () => {
    const config = loadConfig({});
    expect(config.demoMode).toBe(true);
    expect(config.PORT).toBe(3000);
    expect(config.SIM_PORT).toBe(4010);
    expect(config.SIM_SIP_PORT).toBe(5096);
    expect(config.REDIS_URL).toBe('redis://127.0.0.1:6379');
    expect(config.SIM_TIME_SCALE).toBe(1);
  });

  it('goes live when all three RingCentral credentials are set', () => {
    const config = loadConfig({ RC_CLIENT_ID: 'id', RC_CLIENT_SECRET: 'secret', RC_JWT: 'jwt' });
    expect(config.demoMode).toBe(false);
    expect(config.RC_SERVER_URL).toBe('https://platform.ringcentral.com');
  });

  it('reports one clear line per bad variable, all at once', () => {
    const found = problems({ PORT: 'eighty', SIM_TIME_SCALE: '0.5', LOG_LEVEL: 'loud', REDIS_URL: 'localhost:6379' });
    expect(found).toHaveLength(4);
    expect(found.find((p) => p.startsWith('PORT:'))).toMatch(/port number/);
    expect(found.find((p) => p.startsWith('SIM_TIME_SCALE:'))).toMatch(/>= 1/);
    expect(found.find((p) => p.startsWith('LOG_LEVEL:'))).toMatch(/one of/);
    expect(found.find((p) => p.startsWith('REDIS_URL:'))).toMatch(/redis:\/\//);
  });

  it('takes a Redis Cluster as REDIS_URL=redis+cluster://host:port,host:port (rediss+cluster:// with TLS)', () => {
    expect(problems({ REDIS_URL: 'redis+cluster://10.0.0.1:6379,10.0.0.2:6379' })).toEqual([]);
    expect(problems({ REDIS_URL: 'rediss+cluster://default:secret@cfg.example.cache.amazonaws.com:6379' })).toEqual([]);
  });

  it('keeps detection clips for 7 days unless switched off, and refuses odd values', () => {
    const config = loadConfig({});
    expect([config.DETECTION_CLIPS, config.DETECTION_CLIP_SECONDS, config.DETECTION_CLIP_RETENTION_DAYS]).toEqual(['on', 5, 7]);
    expect(loadConfig({ DETECTION_CLIPS: 'off' }).DETECTION_CLIPS).toBe('off');
    const found = problems({ DETECTION_CLIPS: 'maybe', DETECTION_CLIP_SECONDS: '90', DETECTION_CLIP_RETENTION_DAYS: 'a week' });
    expect(found).toEqual([
      expect.stringMatching(/^DETECTION_CLIPS: must be on or off/),
      expect.stringMatching(/^DETECTION_CLIP_SECONDS: must be <= 30/),
      expect.stringMatching(/^DETECTION_CLIP_RETENTION_DAYS: must be a number/),
    ]);
  });

  it('names each missing credential when only some are set', () => {
    const found = problems({ RC_CLIENT_ID: 'id' });
    expect(found).toEqual([expect.stringMatching(/^RC_CLIENT_SECRET: is required/), expect.stringMatching(/^RC_JWT: is required/)]);
  });

  it('rejects a PUBLIC_URL that is not an http(s) URL', () => {
    expect(problems({ PUBLIC_URL: 'ftp://example' })[0]).toMatch(/^PUBLIC_URL: must be an http\(s\) URL/);
  });

  it('puts every problem in the error message', () => {
    expect(() => loadConfig({ PORT: '-1' })).toThrow(/Invalid configuration:\n {2}- PORT: must be 0\.\.65535/);
  });
});

describe('APP_ENV', () => {
  const live = { RC_CLIENT_ID: 'id', RC_CLIENT_SECRET: 'secret', RC_JWT: 'jwt' };
  const deployed = { ...live, PUBLIC_URL: 'https://hunter.example.com', RC_WEBHOOK_TOKEN: 'w', SESSION_SECRET: 's'.repeat(40), METRICS_TOKEN: 'm' };

  it('defaults to development, where demo mode and defaults are fine', () => {
    expect(loadConfig({}).APP_ENV).toBe('development');
    expect(loadConfig({ APP_ENV: 'development' }).demoMode).toBe(true);
  });

  it('production refuses demo mode and names everything a deployment lacks, one line each', () => {
    expect(problems({ APP_ENV: 'production' })).toEqual([
      'RC_CLIENT_ID, RC_CLIENT_SECRET, RC_JWT: required with APP_ENV=production (demo mode is for development)',
      'PUBLIC_URL: required with APP_ENV=production (RingCentral posts webhooks there)',
      'RC_WEBHOOK_TOKEN: required with APP_ENV=production',
      'SESSION_SECRET: required with APP_ENV=production',
      'METRICS_TOKEN: required with APP_ENV=production',
    ]);
    expect(problems({ ...deployed, APP_ENV: 'production', PUBLIC_URL: 'http://hunter.example.com' })).toEqual(['PUBLIC_URL: must be https:// with APP_ENV=production']);
    expect(loadConfig({ ...deployed, APP_ENV: 'production' }).APP_ENV).toBe('production');
  });

  it('staging needs the same except METRICS_TOKEN', () => {
    const { METRICS_TOKEN: _unused, ...withoutMetrics } = deployed;
    expect(loadConfig({ ...withoutMetrics, APP_ENV: 'staging' }).APP_ENV).toBe('staging');
  });

  it('rejects an unknown environment and a malformed SENTRY_DSN', () => {
    expect(problems({ APP_ENV: 'prod' })).toEqual(['APP_ENV: must be development, staging or production']);
    expect(problems({ SENTRY_DSN: 'not a url' })[0]).toMatch(/^SENTRY_DSN: must be an http\(s\) URL/);
  });
});
