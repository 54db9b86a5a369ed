const isText = (value: unknown) => typeof value === 'string';
const isTime = (value: unknown) => typeof value === 'string' && !Number.isNaN(Date.parse(value));

/** What is wrong with a stored batch header (a file or a document), naming the field; null when it has a batch record's shape. */
export function batchRecordProblem(value: unknown, batchId: string): string | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'expected an object';
  const record = value as Record<string, unknown>;
  if (record.batch_id !== batchId) return `batch_id: expected "${batchId}"`;
  if (!isText(record.game_date) || !/^\d{4}-\d{2}-\d{2}$/.test(record.game_date as string))
    return 'game_date: expected YYYY-MM-DD';
  if (record.dataset_prefix !== undefined && !isText(record.dataset_prefix)) return 'dataset_prefix: expected a string';
  if (!['running', 'consolidating', 'consolidated', 'superseded'].includes(record.status as string))
    return 'status: expected running, consolidating, consolidated or superseded';
  if (!isTime(record.created_at)) return 'created_at: expected a time';
  if (!isTime(record.stall_deadline)) return 'stall_deadline: expected a time';
  if (!Array.isArray(record.players) || !record.players.every(isText)) return 'players: expected a list of names';
  if (typeof record.message_ids !== 'object' || record.message_ids === null) return 'message_ids: expected an object';
  if (typeof record.load !== 'object' || record.load === null) return 'load: expected an object';
  for (const field of ['republished_at', 'consolidating_since'] as const)
    if (record[field] !== null && record[field] !== undefined && !isTime(record[field]))
      return `${field}: expected a time or null`;
  if (record.consolidation !== null && record.consolidation !== undefined && typeof record.consolidation !== 'object')
    return 'consolidation: expected an object or null';
  return null;
}

/** What is wrong with a stored completion, naming the field; null when it has a completion record's shape. */
export function completionRecordProblem(value: unknown): string | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'expected an object';
  const record = value as Record<string, unknown>;
  if (!isText(record.player_lookup)) return 'player_lookup: expected a string';
  if (!isText(record.message_id)) return 'message_id: expected a string';
  if (record.outcome !== 'staged' && record.outcome !== 'skipped') return 'outcome: expected staged or skipped';
  if (typeof record.rows_staged !== 'number' || !Number.isInteger(record.rows_staged) || record.rows_staged < 0)
    return 'rows_staged: expected a count';
  return null;
}
