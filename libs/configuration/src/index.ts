export { parseEnvironment, ConfigurationError } from './parse-environment';
export * as variables from './variables';
