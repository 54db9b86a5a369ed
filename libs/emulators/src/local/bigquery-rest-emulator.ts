import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
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

export interface BigQueryRestEmulatorOptions {
  /** Milliseconds each of the first `slowQueries` results is held back (to exercise timeouts). */
  delayMs?: number;
  slowQueries?: number;
  /**
   * Tables created with `require_partition_filter` ("dataset.table" → partition column): a query
   * statement that reads one without a predicate on that column is refused, as BigQuery refuses it.
   * Default: none (no table @props/warehouse defines asks for it: consumers count rows without one).
   */
  requirePartitionFilter?: Readonly<Record<string, string>>;
  /**
   * The datasets the caller's identity has been granted (as infra grants a staging identity only the
   * `staging_*` datasets). Set, a request that names any other dataset (tables.get, tables.list,
   * tables.delete, a load job's destination, a query's tables) is refused with 403 accessDenied.
   * Default: every dataset.
   */
  grantedDatasets?: readonly string[];
  /**
   * The server's clock, in milliseconds since the epoch: it stamps a table's creationTime when a load
   * job creates it and its lastModifiedTime at every load (a test can make staging that a dead batch
   * left days ago). Default: Date.now.
   */
  clock?: () => number;
}

/**
 * BigQuery's answer to a resource the caller may not use: HTTP 403 with `errors[].reason`
 * accessDenied, "returned when you try to access a resource such as a dataset, table, view, or job
 * that you don't have access to" (https://cloud.google.com/bigquery/docs/error-messages), in the
 * error object the client turns into an ApiError carrying its message.
 */
function accessDenied(projectId: string, dataset: string, table: string, permission: string) {
  const message = `Access Denied: Table ${projectId}:${dataset}.${table}: Permission ${permission} denied on table ${projectId}:${dataset}.${table} (or it may not exist).`;
  return {
    status: 403,
    body: {
      error: {
        code: 403,
        message,
        errors: [{ message, domain: 'global', reason: 'accessDenied' }],
        status: 'PERMISSION_DENIED',
      },
    },
  };
}

/**
 * BigQuery's answer to a table that does not exist (a tables.get after the table was deleted):
 * HTTP 404 with `errors[].reason` notFound, "returned when you refer to a resource (a dataset, a
 * table, or a job) that doesn't exist" (https://cloud.google.com/bigquery/docs/error-messages), in
 * the same error object as accessDenied; the client's ApiError carries code 404.
 */
function tableNotFound(projectId: string, dataset: string, table: string) {
  const message = `Not found: Table ${projectId}:${dataset}.${table}`;
  return {
    status: 404,
    body: {
      error: { code: 404, message, errors: [{ message, domain: 'global', reason: 'notFound' }], status: 'NOT_FOUND' },
    },
  };
}

/**
 * Documented limits of query jobs (https://cloud.google.com/bigquery/quotas#query_jobs): the
 * unresolved GoogleSQL text at most 1,024K characters, at most 1,000 unique tables referenced.
 */
export const QUERY_LENGTH_LIMIT = 1024 * 1024;
const TABLES_PER_QUERY_LIMIT = 1000;

/**
 * BigQuery's answer to a job it refuses: HTTP 400 with `error.errors[].reason` naming the kind
 * (invalidQuery, notFound; https://cloud.google.com/bigquery/docs/error-messages), the shape the
 * client turns into an ApiError carrying that message.
 */
export class BigQueryJobError extends Error {
  constructor(
    message: string,
    readonly reason = 'invalidQuery',
  ) {
    super(message);
  }
}

/**
 * Translates the BigQuery dialect the adapters use into DuckDB's, mechanically: backquoted
 * project.dataset.table names, @parameters, UNNEST of array parameters, SAFE_OFFSET, COUNTIF, FLOAT64.
 */
function toDuckdbDialect(sql: string, parameters: readonly QueryParameter[]): string {
  const types = new Map(parameters.map((parameter) => [parameter.name, parameter.parameterType]));
  const reference = (name: string) => {
    const type = types.get(name);
    if (!type) throw new Error(`query uses @${name}, which no queryParameter defines`);
    if (type.type === 'ARRAY') return `CAST($${name} AS ${type.arrayType?.type === 'STRING' ? 'VARCHAR' : 'DOUBLE'}[])`;
    if (type.type === 'DATE') return `CAST($${name} AS DATE)`;
    if (type.type === 'TIMESTAMP') return `CAST($${name} AS TIMESTAMPTZ)`;
    return `$${name}`;
  };
  return commonDialect(sql)
    .replace(
      /FROM UNNEST\(@(\w+)\) AS (\w+)/g,
      (_, name: string, alias: string) => `FROM (SELECT unnest(${reference(name)}) AS ${alias})`,
    )
    .replace(/IN UNNEST\(@(\w+)\)/g, (_, name: string) => `IN (SELECT unnest(${reference(name)}))`)
    .replace(/\[SAFE_OFFSET\((\d+)\)\]/g, (_, index: string) => `[${Number(index) + 1}]`)
    .replace(/@(\w+)/g, (_, name: string) => reference(name));
}

/**
 * BigQuery's CREATE TABLE in DuckDB's words: ARRAY<T> is T[], TIMESTAMP an instant (TIMESTAMPTZ:
 * "an absolute point in time", https://cloud.google.com/bigquery/docs/reference/standard-sql/data-types#timestamp_type),
 * and partitioning and clustering (storage layout, no effect on results here) are dropped
 * (https://cloud.google.com/bigquery/docs/reference/standard-sql/data-definition-language#create_table_statement).
 */
function createTableDialect(sql: string): string {
  if (!/^\s*CREATE TABLE/i.test(sql)) return sql;
  return sql
    .replace(/ARRAY<(\w+)>/g, '$1[]')
    .replace(/\bTIMESTAMP\b/g, 'TIMESTAMPTZ')
    .replace(/\)\s*PARTITION BY \w+/, ')')
    .replace(/\s*CLUSTER BY [\w, ]+$/, '');
}

/** What queries and scripts share: project.dataset.table names, COUNTIF, SELECT * EXCEPT, FLOAT64. */
function commonDialect(sql: string): string {
  return (
    createTableDialect(sql)
      .replace(/\b_TABLE_SUFFIX\b/g, '_table_suffix')
      .replace(/`[A-Za-z0-9_-]+\.([A-Za-z0-9_]+)\.([A-Za-z0-9_$]+)`/g, '$1.$2')
      .replace(/COUNTIF\(/g, 'count_if(')
      .replace(/SELECT \* EXCEPT \(/g, 'SELECT * EXCLUDE (')
      .replace(/\bFLOAT64\b/g, 'DOUBLE')
      // https://cloud.google.com/bigquery/docs/reference/standard-sql/timestamp_functions#current_timestamp
      .replace(/\bCURRENT_TIMESTAMP\(\)/g, 'current_timestamp')
      // Both true when the pattern matches anywhere in the value (RE2 there, RE2 here):
      // https://cloud.google.com/bigquery/docs/reference/standard-sql/string_functions#regexp_contains
      .replace(/\bREGEXP_CONTAINS\(/g, 'regexp_matches(')
      // DDL's TIMESTAMP is BigQuery's instant, DuckDB's TIMESTAMPTZ (a bare TIMESTAMP there is a civil time).
      .replace(/(ADD COLUMN(?: IF NOT EXISTS)? \w+ )TIMESTAMP\b/g, '$1TIMESTAMPTZ')
  );
}

interface LoadConfiguration {
  destinationTable: { projectId: string; datasetId: string; tableId: string };
  schema?: { fields: { name: string; type: string; mode?: string; precision?: string; scale?: string }[] };
  writeDisposition?: string;
}

const LEGACY_TYPES: Record<string, string> = {
  VARCHAR: 'STRING',
  BIGINT: 'INTEGER',
  HUGEINT: 'INTEGER',
  INTEGER: 'INTEGER',
  DOUBLE: 'FLOAT',
  BOOLEAN: 'BOOLEAN',
  DATE: 'DATE',
  'TIMESTAMP WITH TIME ZONE': 'TIMESTAMP',
  JSON: 'JSON',
};

function duckdbTypeOf(field: { type: string; mode?: string; precision?: string; scale?: string }): string {
  const base: Record<string, string> = {
    STRING: 'VARCHAR',
    INT64: 'BIGINT',
    INTEGER: 'BIGINT',
    FLOAT64: 'DOUBLE',
    FLOAT: 'DOUBLE',
    BOOL: 'BOOLEAN',
    BOOLEAN: 'BOOLEAN',
    DATE: 'DATE',
    TIMESTAMP: 'TIMESTAMPTZ',
    JSON: 'JSON',
  };
  const type =
    field.type === 'NUMERIC'
      ? `DECIMAL(${field.precision ?? 38},${field.scale ?? 9})`
      : (base[field.type] ?? 'VARCHAR');
  return field.mode === 'REPEATED' ? `${type}[]` : type;
}

/** A multi-statement script (a transaction, DDL or DML): run whole, parameters inlined as literals. */
function isScript(sql: string): boolean {
  return /^\s*(BEGIN|MERGE|DELETE|INSERT|DROP|CREATE|UPDATE)\b/i.test(sql);
}

function literal(parameter: QueryParameter): string {
  const { type } = parameter.parameterType;
  if (type === 'ARRAY') {
    const element = { name: parameter.name, parameterType: parameter.parameterType.arrayType ?? { type: 'STRING' } };
    return `[${(parameter.parameterValue.arrayValues ?? []).map((item) => literal({ ...element, parameterValue: item })).join(', ')}]`;
  }
  const value = parameter.parameterValue.value;
  if (value === undefined || value === null) return 'NULL';
  if (type === 'INT64' || type === 'FLOAT64' || type === 'NUMERIC') return String(Number(value));
  if (type === 'BOOL') return value === 'true' ? 'TRUE' : 'FALSE';
  const quoted = `'${value.replaceAll("'", "''")}'`;
  if (type === 'DATE') return `DATE ${quoted}`;
  if (type === 'TIMESTAMP') return `CAST(${quoted} AS TIMESTAMPTZ)`;
  return quoted;
}

/** The BigQuery scripting the adapters use, in DuckDB's words: ASSERT and COMMIT TRANSACTION. */
function toDuckdbScript(sql: string, parameters: readonly QueryParameter[]): string {
  const values = new Map(parameters.map((parameter) => [parameter.name, literal(parameter)]));
  return commonDialect(sql)
    .replace(
      /ASSERT\s+([\s\S]+?)\s+AS\s+'([^']*)'\s*;/g,
      (_, condition: string, message: string) => `SELECT CASE WHEN NOT (${condition}) THEN error('${message}') END;`,
    )
    .replace(/COMMIT TRANSACTION/g, 'COMMIT')
    .replace(/IN UNNEST\(@(\w+)\)/g, (_, name: string) => `IN (SELECT unnest(@${name}))`)
    .replace(/@(\w+)/g, (_, name: string) => {
      if (!values.has(name)) throw new Error(`script uses @${name}, which no queryParameter defines`);
      return values.get(name)!;
    });
}

/** A result column's type: NUMERIC comes back as FLOAT (numbers for the adapters), timestamps as text. */
function bigQueryType(duckdbType: string): { type: string; mode: string } {
  const repeated = duckdbType.endsWith('[]');
  const base = repeated ? duckdbType.slice(0, -2) : duckdbType;
  return {
    type: base.startsWith('DECIMAL')
      ? 'FLOAT'
      : base.startsWith('TIMESTAMP')
        ? 'STRING'
        : (LEGACY_TYPES[base] ?? 'STRING'),
    mode: repeated ? 'REPEATED' : 'NULLABLE',
  };
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
export class BigQueryRestEmulator {
  readonly requests: { method: string; path: string; body: unknown }[] = [];
  private readonly jobs = new Map<string, FakeJob>();
  private server: Server | undefined;
  private answered = 0;
  /**
   * When a load created each table and when a load last wrote it: a table made before this endpoint
   * started, or by a query job, counts from its start, and writes by a query job are not tracked.
   */
  private readonly created = new Map<string, number>();
  private readonly modified = new Map<string, number>();
  private readonly startedAt: number;

  constructor(
    private readonly connection: DuckDBConnection,
    private readonly options: BigQueryRestEmulatorOptions = {},
  ) {
    this.startedAt = this.now();
  }

  private async tableExists(dataset: string, table: string): Promise<boolean> {
    const found = await this.connection.runAndReadAll(
      'SELECT count(*) FROM information_schema.tables WHERE table_schema = $1 AND table_name = $2',
      [dataset, table],
    );
    return Number(found.getRows()[0]![0]) > 0;
  }

  /** The server's time, in whole milliseconds since the epoch, as BigQuery reports a table's times. */
  private now(): number {
    const time = (this.options.clock ?? Date.now)();
    if (!Number.isSafeInteger(time) || time < 0)
      throw new RangeError(`BigQueryRestEmulator clock: expected whole milliseconds since the epoch, got ${time}`);
    return time;
  }

  async start(): Promise<string> {
    this.server = createServer((request, response) => {
      void this.handle(request).then(
        ({ status, body }) => {
          response.writeHead(status, { 'content-type': 'application/json' });
          response.end(JSON.stringify(body));
        },
        (error: unknown) => {
          const message = error instanceof Error ? error.message : String(error);
          const reason = error instanceof BigQueryJobError ? error.reason : 'invalidQuery';
          response.writeHead(400, { 'content-type': 'application/json' });
          response.end(
            JSON.stringify({
              error: {
                code: 400,
                message,
                errors: [{ message, domain: 'global', reason }],
                status: 'INVALID_ARGUMENT',
              },
            }),
          );
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
    const upload = url.pathname.match(/^\/upload\/bigquery\/v2\/projects\/([^/]+)\/jobs$/);
    if (request.method === 'POST' && upload)
      return this.load(upload[1]!, raw, String(request.headers['content-type'] ?? ''));
    const body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
    this.requests.push({ method: request.method ?? 'GET', path: url.pathname, body });
    const refused = this.refusal(request.method ?? 'GET', url.pathname);
    if (refused) return refused;
    const table = url.pathname.match(/^\/bigquery\/v2\/projects\/([^/]+)\/datasets\/([^/]+)\/tables\/([^/]+)$/);
    if (request.method === 'GET' && table)
      return this.describeTable(table[1]!, table[2]!, decodeURIComponent(table[3]!));
    if (request.method === 'DELETE' && table) {
      await this.connection.run(`DROP TABLE IF EXISTS ${table[2]}.${decodeURIComponent(table[3]!)}`);
      this.created.delete(`${table[2]}.${decodeURIComponent(table[3]!)}`);
      this.modified.delete(`${table[2]}.${decodeURIComponent(table[3]!)}`);
      return { status: 204, body: {} };
    }
    const tables = url.pathname.match(/^\/bigquery\/v2\/projects\/([^/]+)\/datasets\/([^/]+)\/tables$/);
    if (request.method === 'GET' && tables) {
      const names = (
        await this.connection.runAndReadAll(
          'SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY 1',
          [tables[2]!],
        )
      )
        .getRows()
        .map((row) => String(row[0]));
      // tables.list reports each table's creationTime in milliseconds since the epoch, as a string
      // (https://cloud.google.com/bigquery/docs/reference/rest/v2/tables/list).
      const creationTime = (tableId: string) => String(this.created.get(`${tables[2]}.${tableId}`) ?? this.startedAt);
      return {
        status: 200,
        body: {
          kind: 'bigquery#tableList',
          tables: names.map((tableId) => ({
            kind: 'bigquery#table',
            tableReference: { projectId: tables[1], datasetId: tables[2], tableId },
            creationTime: creationTime(tableId),
          })),
          totalItems: names.length,
        },
      };
    }
    const insert = url.pathname.match(/^\/bigquery\/v2\/projects\/([^/]+)\/jobs$/);
    if (request.method === 'POST' && insert) {
      const configuration = body.configuration as {
        query: { query: string; queryParameters?: QueryParameter[] };
        jobTimeoutMs?: string;
      };
      const reference = (body.jobReference ?? {}) as { jobId?: string; location?: string };
      for (const match of configuration.query.query.matchAll(/`[A-Za-z0-9_-]+\.([A-Za-z0-9_]+)\.([A-Za-z0-9_$*]+)`/g))
        if (!this.granted(match[1]!)) return accessDenied(insert[1]!, match[1]!, match[2]!, 'bigquery.tables.getData');
      await this.validate(configuration.query.query);
      const job: FakeJob = {
        jobId: reference.jobId ?? `job_${this.jobs.size + 1}`,
        location: reference.location ?? 'US',
        query: configuration.query.query,
        parameters: configuration.query.queryParameters ?? [],
        jobTimeoutMs: configuration.jobTimeoutMs ? Number(configuration.jobTimeoutMs) : null,
      };
      this.jobs.set(job.jobId, job);
      return {
        status: 200,
        body: {
          kind: 'bigquery#job',
          id: `${insert[1]}:${job.location}.${job.jobId}`,
          jobReference: { projectId: insert[1], jobId: job.jobId, location: job.location },
          configuration: body.configuration,
          status: { state: 'RUNNING' },
        },
      };
    }
    const get = url.pathname.match(/^\/bigquery\/v2\/projects\/([^/]+)\/jobs\/([^/]+)$/);
    if (request.method === 'GET' && get) {
      const job = this.jobs.get(get[2]!);
      if (!job) return { status: 404, body: { error: { code: 404, message: `job ${get[2]} not found` } } };
      return {
        status: 200,
        body: {
          kind: 'bigquery#job',
          jobReference: { projectId: get[1], jobId: job.jobId, location: job.location },
          status: { state: 'DONE' },
        },
      };
    }
    const results = url.pathname.match(/^\/bigquery\/v2\/projects\/([^/]+)\/queries\/([^/]+)$/);
    if (request.method === 'GET' && results) {
      const job = this.jobs.get(results[2]!);
      if (!job) return { status: 404, body: { error: { code: 404, message: `job ${results[2]} not found` } } };
      if (this.answered++ < (this.options.slowQueries ?? 0))
        await new Promise((resolveDelay) => setTimeout(resolveDelay, this.options.delayMs ?? 0));
      return { status: 200, body: await this.run(results[1]!, job) };
    }
    return {
      status: 404,
      body: { error: { code: 404, message: `the fake does not serve ${request.method} ${url.pathname}` } },
    };
  }

  /** tables.get, tables.list and tables.delete of a dataset the caller was not granted: 403. */
  private refusal(method: string, path: string): { status: number; body: unknown } | undefined {
    const named = path.match(/^\/bigquery\/v2\/projects\/([^/]+)\/datasets\/([^/]+)(?:\/tables(?:\/([^/]+))?)?$/);
    if (!named || this.granted(named[2]!)) return undefined;
    const permission =
      method === 'DELETE' ? 'bigquery.tables.delete' : named[3] ? 'bigquery.tables.get' : 'bigquery.tables.list';
    return accessDenied(named[1]!, named[2]!, decodeURIComponent(named[3] ?? '*'), permission);
  }

  private granted(dataset: string): boolean {
    return this.options.grantedDatasets?.includes(dataset) ?? true;
  }

  /** tables.get: the DuckDB table's columns as a BigQuery schema (legacy type names, as the API answers). */
  private async describeTable(
    projectId: string,
    datasetId: string,
    tableId: string,
  ): Promise<{ status: number; body: unknown }> {
    const columns = (
      await this.connection.runAndReadAll(
        'SELECT column_name, data_type, is_nullable FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 ORDER BY ordinal_position',
        [datasetId, tableId],
      )
    ).getRowObjectsJS();
    if (columns.length === 0) return tableNotFound(projectId, datasetId, tableId);
    const fields = columns.map((column) => {
      const type = String(column.data_type);
      const decimal = /^DECIMAL\((\d+),(\d+)\)$/.exec(type);
      const base = type.endsWith('[]') ? type.slice(0, -2) : type;
      return {
        name: String(column.column_name),
        type: decimal ? 'NUMERIC' : (LEGACY_TYPES[base] ?? 'STRING'),
        mode: type.endsWith('[]') ? 'REPEATED' : column.is_nullable === 'NO' ? 'REQUIRED' : 'NULLABLE',
        ...(decimal ? { precision: decimal[1], scale: decimal[2] } : {}),
      };
    });
    // The Table resource gives both times in milliseconds since the epoch, as strings
    // (https://cloud.google.com/bigquery/docs/reference/rest/v2/tables#Table).
    const key = `${datasetId}.${tableId}`;
    return {
      status: 200,
      body: {
        kind: 'bigquery#table',
        tableReference: { projectId, datasetId, tableId },
        schema: { fields },
        creationTime: String(this.created.get(key) ?? this.startedAt),
        lastModifiedTime: String(this.modified.get(key) ?? this.created.get(key) ?? this.startedAt),
      },
    };
  }

  /**
   * A load job sent as a multipart upload: NDJSON into a table, creating it from the job's schema
   * if needed; WRITE_TRUNCATE on a partition decorator (table$YYYYMMDD) replaces that game_date only.
   */
  private async load(projectId: string, raw: string, contentType: string): Promise<{ status: number; body: unknown }> {
    const boundary = /boundary="?([^";]+)"?/.exec(contentType)?.[1];
    if (!boundary) throw new Error('load job upload without a multipart boundary');
    const parts = raw
      .split(`--${boundary}`)
      .slice(1, -1)
      .map((part) =>
        part
          .replace(/^\r?\n/, '')
          .split(/\r?\n\r?\n/)
          .slice(1)
          .join('\n\n')
          .replace(/\r?\n$/, ''),
      );
    const job = JSON.parse(parts[0]!) as {
      jobReference: { jobId: string; location?: string };
      configuration: { load: LoadConfiguration };
    };
    this.requests.push({ method: 'POST', path: `/upload/bigquery/v2/projects/${projectId}/jobs`, body: job });
    const { destinationTable, schema, writeDisposition } = job.configuration.load;
    if (!this.granted(destinationTable.datasetId))
      return accessDenied(
        projectId,
        destinationTable.datasetId,
        destinationTable.tableId,
        'bigquery.tables.updateData',
      );
    const [tableId, partition] = destinationTable.tableId.split('$') as [string, string | undefined];
    const target = `${destinationTable.datasetId}.${tableId}`;
    await this.connection.run(`CREATE SCHEMA IF NOT EXISTS ${destinationTable.datasetId}`);
    if (schema && !(await this.tableExists(destinationTable.datasetId, tableId))) {
      const columns = schema.fields.map(
        (field) => `${field.name} ${duckdbTypeOf(field)}${field.mode === 'REQUIRED' ? ' NOT NULL' : ''}`,
      );
      await this.connection.run(`CREATE TABLE IF NOT EXISTS ${target} (${columns.join(', ')})`);
      // Only the load that creates a table stamps its creationTime: WRITE_TRUNCATE into an existing
      // table overwrites its data, the table itself stays (JobConfigurationLoad.writeDisposition,
      // https://cloud.google.com/bigquery/docs/reference/rest/v2/Job#JobConfigurationLoad).
      this.created.set(target, this.now());
    }
    if (writeDisposition === 'WRITE_TRUNCATE') {
      const where = partition
        ? ` WHERE game_date = CAST('${partition.slice(0, 4)}-${partition.slice(4, 6)}-${partition.slice(6, 8)}' AS DATE)`
        : '';
      await this.connection.run(`DELETE FROM ${target}${where}`);
    }
    const rows = (parts[1] ?? '').split('\n').filter((line) => line.trim());
    if (rows.length > 0) {
      const types = (
        await this.connection.runAndReadAll(
          'SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 ORDER BY ordinal_position',
          [destinationTable.datasetId, tableId],
        )
      ).getRowObjectsJS();
      const file = join(mkdtempSync(join(tmpdir(), 'bq-load-')), 'rows.ndjson');
      writeFileSync(file, rows.join('\n'));
      const names = types.map((column) => String(column.column_name)).join(', ');
      const columns = types
        .map((column) => `'${String(column.column_name)}': '${String(column.data_type)}'`)
        .join(', ');
      await this.connection.run(
        `INSERT INTO ${target} (${names}) SELECT ${names} FROM read_json('${file}', format = 'newline_delimited', columns = {${columns}})`,
      );
      rmSync(dirname(file), { recursive: true, force: true });
    }
    // Every load writes the table: its lastModifiedTime (tables#Table) moves, whatever the disposition.
    this.modified.set(target, this.now());
    const reference = { projectId, jobId: job.jobReference.jobId, location: job.jobReference.location ?? 'US' };
    this.jobs.set(reference.jobId, {
      jobId: reference.jobId,
      location: reference.location,
      query: '',
      parameters: [],
      jobTimeoutMs: null,
    });
    return {
      status: 200,
      body: {
        kind: 'bigquery#job',
        jobReference: reference,
        configuration: job.configuration,
        status: { state: 'DONE' },
        statistics: { load: { outputRows: String(rows.length) } },
      },
    };
  }

  /** What BigQuery checks before it runs a job: the query's length, its tables, required partition filters. */
  private async validate(sql: string): Promise<void> {
    if (sql.length > QUERY_LENGTH_LIMIT) {
      throw new BigQueryJobError(
        `The query is too large. The maximum standard SQL query length is 1024.00K characters, including comments and white space characters. (this one: ${sql.length} characters)`,
      );
    }
    const tables = new Set<string>();
    for (const match of sql.matchAll(/`[A-Za-z0-9_-]+\.([A-Za-z0-9_]+)\.([A-Za-z0-9_$]+)(\*?)`/g)) {
      if (match[3])
        for (const name of await this.wildcardTables(match[1]!, match[2]!)) tables.add(`${match[1]}.${name}`);
      else tables.add(`${match[1]}.${match[2]}`);
    }
    if (tables.size > TABLES_PER_QUERY_LIMIT)
      throw new BigQueryJobError(
        `Too many tables referenced by the query: ${tables.size}; the limit is ${TABLES_PER_QUERY_LIMIT}.`,
      );
    for (const statement of sql.split(';')) {
      // New columns of an existing table must be NULLABLE or REPEATED
      // (https://cloud.google.com/bigquery/docs/managing-table-schemas#add_an_empty_column).
      const required = /ADD COLUMN(?: IF NOT EXISTS)? (\w+) [^,]*\bNOT NULL\b/i.exec(statement);
      if (required)
        throw new BigQueryJobError(`Cannot add required fields to an existing schema. (field: ${required[1]})`);
      // "The WHERE keyword is mandatory" in an UPDATE
      // (https://cloud.google.com/bigquery/docs/reference/standard-sql/dml-syntax#update_statement).
      if (/^\s*UPDATE\b/i.test(statement) && !/\bWHERE\b/i.test(statement))
        throw new BigQueryJobError('UPDATE must have a WHERE clause');
    }
    // A table with require_partition_filter refuses any statement without a predicate on its
    // partition column (https://cloud.google.com/bigquery/docs/managing-partitioned-tables#require-filter).
    for (const [table, column] of Object.entries(this.options.requirePartitionFilter ?? {})) {
      const [dataset, name] = table.split('.') as [string, string];
      const reference = new RegExp(`\`[A-Za-z0-9_-]+\\.${dataset}\\.${name}\``);
      const filter = new RegExp(`\\b${column}\\s*(=|IN\\b|BETWEEN\\b|>=|<=|>|<)`, 'i');
      for (const statement of sql.split(';')) {
        if (reference.test(statement) && !filter.test(statement)) {
          throw new BigQueryJobError(
            `Cannot query over table '${table}' without a filter over column(s) '${column}' that can be used for partition elimination`,
          );
        }
      }
    }
  }

  private async wildcardTables(dataset: string, prefix: string): Promise<string[]> {
    const rows = (
      await this.connection.runAndReadAll(
        'SELECT table_name FROM information_schema.tables WHERE table_schema = $1 AND starts_with(table_name, $2) ORDER BY 1',
        [dataset, prefix],
      )
    ).getRows();
    return rows.map((row) => String(row[0]));
  }

  /**
   * A wildcard table `dataset.prefix*` as the union of the tables it matches, each with its
   * _TABLE_SUFFIX, the part of the name after the prefix; no match is a notFound error
   * (https://cloud.google.com/bigquery/docs/querying-wildcard-tables).
   */
  private async expandWildcards(sql: string): Promise<string> {
    let expanded = sql;
    for (const match of new Set(
      [...sql.matchAll(/`[A-Za-z0-9_-]+\.([A-Za-z0-9_]+)\.([A-Za-z0-9_]+)\*`/g)].map((found) => found[0]),
    )) {
      const [, dataset, prefix] = /`[A-Za-z0-9_-]+\.([A-Za-z0-9_]+)\.([A-Za-z0-9_]+)\*`/.exec(match)!;
      const tables = await this.wildcardTables(dataset!, prefix!);
      if (tables.length === 0)
        throw new BigQueryJobError(`Not found: Table ${dataset}.${prefix}* was not found`, 'notFound');
      const union = tables
        .map((table) => `SELECT *, '${table.slice(prefix!.length)}' AS _table_suffix FROM ${dataset}.${table}`)
        .join(' UNION ALL BY NAME ');
      expanded = expanded.replaceAll(match, `(${union})`);
    }
    return expanded;
  }

  private async run(projectId: string, job: FakeJob): Promise<unknown> {
    job = { ...job, query: await this.expandWildcards(job.query) };
    if (isScript(job.query)) {
      try {
        await this.connection.run(toDuckdbScript(job.query, job.parameters));
      } catch (error) {
        // A script that fails inside BEGIN TRANSACTION rolls back, and the session is usable again
        // (https://cloud.google.com/bigquery/docs/transactions#rollback).
        await this.connection.run('ROLLBACK').catch(() => undefined);
        throw error;
      }
      return {
        kind: 'bigquery#getQueryResultsResponse',
        jobReference: { projectId, jobId: job.jobId, location: job.location },
        jobComplete: true,
        schema: { fields: [] },
        rows: [],
        totalRows: '0',
      };
    }
    const values: Record<string, DuckDBValue> = {};
    for (const parameter of job.parameters) {
      values[parameter.name] =
        parameter.parameterType.type === 'ARRAY'
          ? listValue((parameter.parameterValue.arrayValues ?? []).map((item) => item.value))
          : (parameter.parameterValue.value ?? null);
    }
    const sql = toDuckdbDialect(job.query, job.parameters);
    // BigQuery ignores a parameter the query does not use; DuckDB refuses one, so pass only the used ones.
    const used = Object.fromEntries(Object.entries(values).filter(([name]) => new RegExp(`\\$${name}\\b`).test(sql)));
    const reader = await this.connection.runAndReadAll(sql, used);
    const names = reader.columnNames();
    const fields = reader
      .columnTypes()
      .map((type, index) => ({ name: names[index]!, ...bigQueryType(type.toString()) }));
    const rows = reader
      .getRowsJS()
      .map((row) => ({ f: row.map((value, index) => cell(value, fields[index]!.mode === 'REPEATED')) }));
    return {
      kind: 'bigquery#getQueryResultsResponse',
      jobReference: { projectId, jobId: job.jobId, location: job.location },
      jobComplete: true,
      schema: { fields },
      rows,
      totalRows: String(rows.length),
    };
  }
}
