import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { ConfigurationError, parseEnvironment } from './parse-environment';
import * as variables from './variables';

const Schema = z.object({
  PORT: variables.port(8080),
  PROPS_BACKEND: variables.backend(),
  STRICT_MODELS: variables.flag(true),
});

function failure(env: NodeJS.ProcessEnv): string {
  try {
    parseEnvironment(Schema, env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigurationError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigurationError');
}

describe('parseEnvironment', () => {
  it('applies defaults and treats an empty value as unset', () => {
    expect(parseEnvironment(Schema, { PORT: '', UNRELATED: 'x' })).toEqual({
      PORT: 8080,
      PROPS_BACKEND: 'local',
      STRICT_MODELS: true,
    });
  });

  it('parses values', () => {
    expect(parseEnvironment(Schema, { PORT: '9000', PROPS_BACKEND: 'gcp', STRICT_MODELS: 'false' })).toEqual({
      PORT: 9000,
      PROPS_BACKEND: 'gcp',
      STRICT_MODELS: false,
    });
  });

  it.each([
    [{ PORT: 'eighty' }, 'configuration: PORT is "eighty": expected a TCP port number'],
    [{ PORT: '70000' }, 'configuration: PORT is "70000": expected a port between 0 and 65535'],
    [{ PROPS_BACKEND: 'aws' }, 'configuration: PROPS_BACKEND is "aws": expected "local" (DuckDB and files) or "gcp"'],
    [{ STRICT_MODELS: 'yes' }, 'configuration: STRICT_MODELS is "yes": expected true or false'],
  ])('names the variable and what it expected: %j', (env, message) => {
    expect(failure(env)).toContain(message);
  });
});
