export { createLogger, type Logger, type LoggerOptions } from './logger';
export { LogEvent } from './events';
