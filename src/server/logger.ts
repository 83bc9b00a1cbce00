import { pino, type Logger } from 'pino';
import type { Config } from './config.js';

export type { Logger };

/** Structured JSON logs on stdout; secrets in headers are redacted. */
export function createLogger(config: Pick<Config, 'logLevel'>): Logger {
  return pino({
    level: config.logLevel,
    base: { service: 'metalayer' },
    redact: ['req.headers.authorization', 'req.headers.cookie'],
    timestamp: pino.stdTimeFunctions.isoTime,
  });
}
