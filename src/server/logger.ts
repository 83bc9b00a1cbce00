import { pino, type Logger } from 'pino';
import type { Config } from './config.js';

export type { Logger };

/**
 * Structured JSON logs on stdout; secrets in headers are redacted. With
 * several workers (`worker` given), every line carries the id of the process
 * that wrote it: 0 for the primary, which only starts and supervises.
 */
export function createLogger(config: Pick<Config, 'logLevel'>, worker?: number): Logger {
  return pino({
    level: config.logLevel,
    base: { service: 'metalayer', ...(worker === undefined ? {} : { worker }) },
    redact: ['req.headers.authorization', 'req.headers.cookie'],
    timestamp: pino.stdTimeFunctions.isoTime,
  });
}
