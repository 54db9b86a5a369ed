export { createLogger, type Logger, type LoggerOptions } from './logger';
export { LogEvent, ALERTABLE_EVENTS } from './events';
export { traceFields } from './trace-context';
export { mapStackTracesThroughSourceMaps } from './source-mapped-stacks';
