import { describe, expect, it } from 'vitest';
import { isCalendarDate } from './game-date';

describe('isCalendarDate', () => {
  it.each(['2025-01-15', '2024-02-29', '2025-12-31'])('accepts %s', (value) =>
    expect(isCalendarDate(value)).toBe(true),
  );
  it.each(['2025-02-29', '2025-02-30', '2025-13-01', '2025-1-15', '20250115', '', 'TODAY'])('refuses %s', (value) =>
    expect(isCalendarDate(value)).toBe(false),
  );

  it('answers the same when asked again, before and after it stops remembering dates', () => {
    const days = Array.from({ length: 5_000 }, (_, index) =>
      new Date(Date.UTC(2000, 0, 1 + index)).toISOString().slice(0, 10),
    );
    const refused = ['2025-02-29', '2025-02-30', '2025-13-01', '2025-02-29 ', ' 2025-01-15'];
    for (let round = 0; round < 2; round += 1) {
      expect(refused.filter((day) => isCalendarDate(day))).toEqual([]);
      expect(days.filter((day) => !isCalendarDate(day))).toEqual([]);
    }
  });
});
