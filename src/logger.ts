/**
 * pino with secrets redacted at every depth we know of: tokens, passwords, JWTs and authorization headers
 * never reach a log line.
 */
import pino from 'pino';
import type { Logger, LevelWithSilent } from 'pino';

export const REDACTED_PATHS = [
  '*.password',
  '*.access_token',
  '*.refresh_token',
  '*.jwt',
  '*.clientSecret',
  '*.secret',
  '*.token',
  '*.authorization',
  '*.Authorization',
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'headers["verification-token"]',
  'headers["validation-token"]',
  'RC_CLIENT_SECRET',
  'RC_JWT',
  'SIM_CLIENT_SECRET',
  'SIM_JWT',
  'API_TOKEN',
  'SESSION_SECRET',
  'RC_WEBHOOK_TOKEN',
];

export function createLogger(level: LevelWithSilent = 'info', destination?: pino.DestinationStream): Logger {
  return pino({ level, redact: { paths: REDACTED_PATHS, censor: '[redacted]' }, base: { app: 'hold-hunter' } }, destination);
}
