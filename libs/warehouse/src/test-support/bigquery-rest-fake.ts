import { createServer, type IncomingMessage, type Server } from 'node:http';
import { listValue, type DuckDBConnection, type DuckDBValue } from '@duckdb/node-api';

interface QueryParameter {
  name: string;
  parameterType: { type: string; arrayType?: { type: string } };
  parameterValue: { value?: string; arrayValues?: { value: string }[] };
}

interface FakeJob {
  jobId: string;
  location: string;
  query: string;
  parameters: QueryParameter[];
  jobTimeoutMs: number | null;
}

export interface BigQueryRestFakeOptions {
  /** Milliseconds each of the first `slowQueries` results is held back (to exercise timeouts). */
  delayMs?: number;
  slowQueries?: number;
}

/**
 * Translates the BigQuery dialect the adapters use into DuckDB's, mechanically: backquoted
 * project.dataset.table names, @parameters, UNNEST of array parameters, SAFE_OFFSET, COUNTIF, FLOAT64.
 */
export function toDuckdbDialect(sql: string, parameters: readonly QueryParameter[]): string {
  const types = new Map(parameters.map((parameter) => [parameter.name, parameter.parameterType]));
  const reference = (name: string) => {
    const type = types.get(name);
    if (!type) throw new Error(`query uses @${name}, which no queryParameter defines`);
    if (type.type === 'ARRAY') return `CAST($${name} AS ${type.arrayType?.type === 'STRING' ? 'VARCHAR' : 'DOUBLE'}[])`;
    if (type.type === 'DATE') return `CAST($${name} AS DATE)`;
    return `$${name}`;
  };
  return sql
    .replace(/`[A-Za-z0-9_-]+\.([A-Za-z0-9_]+)\.([A-Za-z0-9_]+)`/g, '$1.$2')
    .replace(/FROM UNNEST\(@(\w+)\) AS (\w+)/g, (_, name: string, alias: string) => `FROM (SELECT unnest(${reference(name)}) AS ${alias})`)
    .replace(/IN UNNEST\(@(\w+)\)/g, (_, name: string) => `IN (SELECT unnest(${reference(name)}))`)
    .replace(/\[SAFE_OFFSET\((\d+)\)\]/g, (_, index: string) => `[${Number(index) + 1}]`)
    .replace(/COUNTIF\(/g, 'count_if(')
    .replace(/\bFLOAT64\b/g, 'DOUBLE')
    .replace(/@(\w+)/g, (_, name: string) => reference(name));
}

function bigQueryType(duckdbType: string): { type: string; mode: string } {
  const repeated = duckdbType.endsWith('[]');
  const base = repeated ? duckdbType.slice(0, -2) : duckdbType;
  const type = base === 'VARCHAR' ? 'STRING' : base === 'DOUBLE' || base.startsWith('DECIMAL') ? 'FLOAT' : base === 'BOOLEAN' ? 'BOOLEAN' : base === 'DATE' ? 'DATE' : /INT/.test(base) ? 'INTEGER' : 'STRING';
  return { type, mode: repeated ? 'REPEATED' : 'NULLABLE' };
}

/** BigQuery's row encoding; a NULL array comes back as an empty one, as BigQuery sends it. */
function cell(value: unknown, repeated: boolean): unknown {
  if (value === null || value === undefined) return { v: repeated ? [] : null };
  if (Array.isArray(value)) return { v: value.map((item) => ({ v: item === null ? null : String(item) })) };
  return { v: String(value) };
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolveBody, reject) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => resolveBody(body));
    request.on('error', reject);
  });
}

/**
 * A loopback endpoint speaking the part of BigQuery's REST protocol the client uses for a query
 * job (jobs.insert, jobs.get, jobs.getQueryResults), answered by running the translated SQL on
 * DuckDB. It records every request so tests can see what the client sent.
 */
export class BigQueryRestFake {
  readonly requests: { method: string; path: string; body: unknown }[] = [];
  private readonly jobs = new Map<string, FakeJob>();
  private server: Server | undefined;
  private answered = 0;

  constructor(
    private readonly connection: DuckDBConnection,
    private readonly options: BigQueryRestFakeOptions = {},
  ) {}

  async start(): Promise<string> {
    this.server = createServer((request, response) => {
      void this.handle(request).then(
        ({ status, body }) => {
          response.writeHead(status, { 'content-type': 'application/json' });
          response.end(JSON.stringify(body));
        },
        (error: unknown) => {
          response.writeHead(400, { 'content-type': 'application/json' });
          response.end(JSON.stringify({ error: { code: 400, message: error instanceof Error ? error.message : String(error), errors: [{ reason: 'invalidQuery' }] } }));
        },
      );
    });
    await new Promise<void>((resolveListen) => this.server!.listen(0, '127.0.0.1', () => resolveListen()));
    const address = this.server.address();
    return `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((resolveClose) => this.server?.close(resolveClose));
  }

  private async handle(request: IncomingMessage): Promise<{ status: number; body: unknown }> {
    const url = new URL(request.url ?? '/', 'http://fake');
    const raw = await readBody(request);
    const body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
    this.requests.push({ method: request.method ?? 'GET', path: url.pathname, body });
    const insert = url.pathname.match(/^\/bigquery\/v2\/projects\/([^/]+)\/jobs$/);
    if (request.method === 'POST' && insert) {
      const configuration = body.configuration as { query: { query: string; queryParameters?: QueryParameter[] }; jobTimeoutMs?: string };
      const reference = (body.jobReference ?? {}) as { jobId?: string; location?: string };
      const job: FakeJob = {
        jobId: reference.jobId ?? `job_${this.jobs.size + 1}`,
        location: reference.location ?? 'US',
        query: configuration.query.query,
        parameters: configuration.query.queryParameters ?? [],
        jobTimeoutMs: configuration.jobTimeoutMs ? Number(configuration.jobTimeoutMs) : null,
      };
      this.jobs.set(job.jobId, job);
      return { status: 200, body: { kind: 'bigquery#job', id: `${insert[1]}:${job.location}.${job.jobId}`, jobReference: { projectId: insert[1], jobId: job.jobId, location: job.location }, configuration: body.configuration, status: { state: 'RUNNING' } } };
    }
    const get = url.pathname.match(/^\/bigquery\/v2\/projects\/([^/]+)\/jobs\/([^/]+)$/);
    if (request.method === 'GET' && get) {
      const job = this.jobs.get(get[2]!);
      if (!job) return { status: 404, body: { error: { code: 404, message: `job ${get[2]} not found` } } };
      return { status: 200, body: { kind: 'bigquery#job', jobReference: { projectId: get[1], jobId: job.jobId, location: job.location }, status: { state: 'DONE' } } };
    }
    const results = url.pathname.match(/^\/bigquery\/v2\/projects\/([^/]+)\/queries\/([^/]+)$/);
    if (request.method === 'GET' && results) {
      const job = this.jobs.get(results[2]!);
      if (!job) return { status: 404, body: { error: { code: 404, message: `job ${results[2]} not found` } } };
      if (this.answered++ < (this.options.slowQueries ?? 0)) await new Promise((resolveDelay) => setTimeout(resolveDelay, this.options.delayMs ?? 0));
      return { status: 200, body: await this.run(results[1]!, job) };
    }
    return { status: 404, body: { error: { code: 404, message: `the fake does not serve ${request.method} ${url.pathname}` } } };
  }

  private async run(projectId: string, job: FakeJob): Promise<unknown> {
    const values: Record<string, DuckDBValue> = {};
    for (const parameter of job.parameters) {
      values[parameter.name] = parameter.parameterType.type === 'ARRAY' ? listValue((parameter.parameterValue.arrayValues ?? []).map((item) => item.value)) : (parameter.parameterValue.value ?? null);
    }
    const reader = await this.connection.runAndReadAll(toDuckdbDialect(job.query, job.parameters), values);
    const names = reader.columnNames();
    const fields = reader.columnTypes().map((type, index) => ({ name: names[index]!, ...bigQueryType(type.toString()) }));
    const rows = reader.getRowsJS().map((row) => ({ f: row.map((value, index) => cell(value, fields[index]!.mode === 'REPEATED')) }));
    return { kind: 'bigquery#getQueryResultsResponse', jobReference: { projectId, jobId: job.jobId, location: job.location }, jobComplete: true, schema: { fields }, rows, totalRows: String(rows.length) };
  }
}
