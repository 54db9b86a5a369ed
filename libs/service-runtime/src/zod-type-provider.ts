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

function noJsonSchemaCompiler(): never {
  throw new Error('routes validate with zod schemas: call useZodSchemas(app) before adding a route with a schema');
}

/**
 * fastify's `schemaController` option for a service whose routes validate with zod: fastify
 * otherwise loads its JSON-schema compilers (ajv and fast-json-stringify, about 60 ms of start-up)
 * when the instance is created, although no route here uses them
 * (https://fastify.dev/docs/latest/Reference/Server/#schemacontroller). A route with a schema but
 * no zod compiler fails when it is added instead of being validated by a compiler nobody set up.
 */
export function zodOnlySchemaController() {
  return { compilersFactory: { buildValidator: noJsonSchemaCompiler, buildSerializer: noJsonSchemaCompiler } };
}
