/** One broken rule: what, where, and what to do about it. */
export function violation(rule, file, message, fix) {
  return { rule, file, message, fix };
}

export function formatViolation({ rule, file, message, fix }) {
  return `  ✖ [${rule}] ${file}: ${message}\n      fix: ${fix}`;
}
