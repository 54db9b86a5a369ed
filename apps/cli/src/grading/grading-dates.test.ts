import { describe, expect, it } from 'vitest';
import { gradingDates, parseGradingTrigger } from './grading-dates';

describe('props grade --date and the grading trigger body', () => {
  it('resolves yesterday and today in America/New_York, not UTC', () => {
    // 02:30 UTC on March 16 is 22:30 on March 15 in New York: "yesterday" is March 14 there (UTC would say March 15).
    const lateEvening = new Date('2025-03-16T02:30:00Z');
    expect(gradingDates('yesterday', lateEvening)).toEqual(['2025-03-14']);
    expect(gradingDates('today', lateEvening)).toEqual(['2025-03-15']);
    expect(gradingDates('YESTERDAY', new Date('2025-03-01T15:00:00Z'))).toEqual(['2025-02-28']);
  });

  it('takes one date or an inclusive range, and refuses anything else naming --date', () => {
    expect(gradingDates('2025-03-15')).toEqual(['2025-03-15']);
    expect(gradingDates('2025-02-27..2025-03-02')).toEqual(['2025-02-27', '2025-02-28', '2025-03-01', '2025-03-02']);
    expect(() => gradingDates('2025-03-02..2025-02-27')).toThrow(
      '--date: the range 2025-03-02..2025-02-27 ends before it starts',
    );
    expect(() => gradingDates('last week')).toThrow(
      '--date: expected yesterday, today, YYYY-MM-DD or YYYY-MM-DD..YYYY-MM-DD, got last week',
    );
    expect(() => gradingDates('2025-02-30')).toThrow('--date: expected');
    expect(() => gradingDates('2023-01-01..2025-01-01')).toThrow('has 732 days; at most 400 per run');
  });

  it("accepts the bodies the original platform's schedulers and readiness monitor publish", () => {
    expect(
      parseGradingTrigger('{"target_date": "yesterday", "trigger_source": "scheduler", "run_aggregation": true}'),
    ).toEqual({ date: 'yesterday', aggregate: true, triggerSource: 'scheduler', correlationId: null });
    expect(
      parseGradingTrigger(
        '{"target_date":"2025-03-15","trigger_source":"readiness-monitor","run_aggregation":true,"triggered_at":"2025-03-16T03:00:00Z"}',
      ),
    ).toMatchObject({ date: '2025-03-15', aggregate: true });
    expect(parseGradingTrigger('{}')).toEqual({
      date: 'yesterday',
      aggregate: true,
      triggerSource: null,
      correlationId: null,
    });
    expect(parseGradingTrigger('{"target_date":"today","run_aggregation":false}')).toMatchObject({
      date: 'today',
      aggregate: false,
    });
    expect(() => parseGradingTrigger('not json')).toThrow('--trigger: expected the grading trigger as JSON');
    expect(() => parseGradingTrigger('{"run_aggregation":"yes"}')).toThrow('--trigger: run_aggregation');
  });
});
