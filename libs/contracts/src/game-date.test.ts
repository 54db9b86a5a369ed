import { describe, expect, it } from 'vitest';
import { isCalendarDate } from './game-date';

describe('isCalendarDate', () => {
  it.each(['2025-01-15', '2024-02-29', '2025-12-31'])('accepts %s', (value) =>
    expect(isCalendarDate(value)).toBe(true),
  );
  it.each(['2025-02-29', '2025-02-30', '2025-13-01', '2025-1-15', '20250115', '', 'TODAY'])('refuses %s', (value) =>
    expect(isCalendarDate(value)).toBe(false),
  );
});
