import { ServiceError } from '@props/contracts';
import { type z } from 'zod';

export class ConfigurationError extends ServiceError {
  override readonly name = 'ConfigurationError';
  constructor(
    readonly variable: string,
    readonly expected: string,
  ) {
    super('invalid_configuration', `configuration: ${variable} ${expected}`);
  }
}

/**
 * Parses environment variables once, at startup, into a typed object.
 * The schema's keys are the variable names. The first bad value becomes one ConfigurationError
 * naming the variable and what it expected.
 */
export function parseEnvironment<S extends z.ZodObject>(schema: S, env: NodeJS.ProcessEnv): z.infer<S> {
  const picked: Record<string, string | undefined> = {};
  for (const key of Object.keys(schema.shape)) {
    const value = env[key];
    picked[key] = value === '' ? undefined : value;
  }
  // Parsed once: zod's compiled fast path (jit) would cost more to generate than it saves here.
  const result = schema.safeParse(picked, { jitless: true });
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const variable = issue?.path.map(String).join('.') || '(environment)';
  const received = picked[variable];
  const expected = issue?.message ?? 'is invalid';
  throw new ConfigurationError(
    variable,
    received === undefined ? `is missing: ${expected}` : `is ${JSON.stringify(received)}: ${expected}`,
  );
}
