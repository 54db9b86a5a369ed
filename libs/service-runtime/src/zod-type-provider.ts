import type { FastifyInstance, FastifyTypeProvider } from 'fastify';
import type { z } from 'zod';
import { toMalformedMessageError } from '@props/contracts';

/**
 * Route schemas written as zod contracts: a route's `schema.body`, `schema.params` or
 * `schema.querystring` types its request, and `schema.response` its reply, from the same schema
 * the other side parses with.
 */
export interface ZodTypeProvider extends FastifyTypeProvider {
  validator: this['schema'] extends z.ZodType ? z.output<this['schema']> : unknown;
  serializer: this['schema'] extends z.ZodType ? z.input<this['schema']> : unknown;
}

/**
 * Validates every route input through its zod schema (an absent body reads as `{}`, so defaults
 * apply): the parsed value, defaults filled in, replaces the input; a failure is a
 * MalformedMessageError naming the field, which the error handler answers 400 with the field and
 * the problem. Replies are serialized as JSON; their types come from `schema.response`.
 */
export function useZodSchemas(app: FastifyInstance): void {
  app.setValidatorCompiler<z.ZodType>(({ schema, httpPart }) => (data) => {
    const parsed = schema.safeParse(httpPart === 'body' && data == null ? {} : data);
    return parsed.success ? { value: parsed.data } : { error: toMalformedMessageError(parsed.error) };
  });
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
}
