import * as z from 'zod';

/** Reusable shapes for environment variables; each message says what the variable expects. */
export const port = (fallback: number) =>
  z.coerce
    .number({ error: 'expected a TCP port number' })
    .int('expected a whole port number')
    .min(0, 'expected a port between 0 and 65535')
    .max(65535, 'expected a port between 0 and 65535')
    .default(fallback);

export const backend = () =>
  z
    .enum(['local', 'gcp'], { error: 'expected "local" (DuckDB and files) or "gcp" (BigQuery, Pub/Sub, Firestore)' })
    .default('local');

export const flag = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0'], { error: 'expected true or false' })
    .transform((value) => value === 'true' || value === '1')
    .default(fallback);

export const logLevel = () =>
  z
    .enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal'], {
      error: 'expected trace, debug, info, warn, error or fatal',
    })
    .default('info');

export const httpUrl = () =>
  z.url({ error: 'expected an http(s) URL' }).refine((value) => /^https?:\/\//.test(value), 'expected an http(s) URL');

/** A Pub/Sub topic id as the service defines it: 3-255 characters, a letter first, then letters, digits and - _ . ~ + %, never "goog" first. */
export const topicName = (fallback: string) =>
  z
    .string()
    .regex(
      /^(?!goog)[A-Za-z][A-Za-z0-9\-_.~+%]{2,254}$/,
      'expected a Pub/Sub topic id: 3-255 characters, a letter first, then letters, digits or - _ . ~ + %',
    )
    .default(fallback);
