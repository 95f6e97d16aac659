/**
 * Deployment windows (shared/core/windows.ts): examples in several zones, windows across midnight,
 * daylight-saving days, and properties checked with fast-check against a minute-by-minute scan.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { checkWindows, describeWindow, isOpen, isTimeZone, nextOpen, secondsUntilOpen } from '../../../shared/core/windows.ts';
import { DAY_NAMES, type DeploymentWindow } from '../../../shared/core/model/request.ts';

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();
const WEEKDAYS: DeploymentWindow['days'] = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri'];

describe('isOpen', () => {
  const office: DeploymentWindow[] = [{ days: WEEKDAYS, start: '09:00', end: '17:00', timezone: 'Europe/Paris' }];

  it('reads local wall-clock time in the window’s zone', () => {
    // Tuesday 2026-11-24: Paris is UTC+1 in winter.
    expect(isOpen(office, at('2026-11-24T07:59:59Z'))).toBe(false);
    expect(isOpen(office, at('2026-11-24T08:00:00Z'))).toBe(true);
    expect(isOpen(office, at('2026-11-24T15:59:59Z'))).toBe(true);
    expect(isOpen(office, at('2026-11-24T16:00:00Z'))).toBe(false);
    // Summer: UTC+2.
    expect(isOpen(office, at('2026-07-07T07:00:00Z'))).toBe(true);
    expect(isOpen(office, at('2026-07-07T06:59:00Z'))).toBe(false);
  });

  it('is closed on days the window does not name', () => {
    expect(isOpen(office, at('2026-11-28T10:00:00Z'))).toBe(false); // Saturday
  });

  it('opens a window that crosses midnight on its start day and closes it the next morning', () => {
    const night: DeploymentWindow[] = [{ days: ['Fri'], start: '22:00', end: '02:00', timezone: 'America/New_York' }];
    expect(isOpen(night, at('2026-11-28T02:59:00Z'))).toBe(false); // Fri 21:59 EST
    expect(isOpen(night, at('2026-11-28T03:00:00Z'))).toBe(true); // Fri 22:00
    expect(isOpen(night, at('2026-11-28T06:59:00Z'))).toBe(true); // Sat 01:59
    expect(isOpen(night, at('2026-11-28T07:00:00Z'))).toBe(false); // Sat 02:00
    expect(isOpen(night, at('2026-11-27T06:00:00Z'))).toBe(false); // Fri 01:00: Thursday's night is not in it
  });

  it('takes 24:00 as the end of the day, start = end as a whole day, and no windows as always open', () => {
    expect(isOpen([{ start: '20:00', end: '24:00' }], at('2026-11-24T23:59:59Z'))).toBe(true);
    expect(isOpen([{ start: '20:00', end: '24:00' }], at('2026-11-25T00:00:00Z'))).toBe(false);
    expect(isOpen([{ days: ['Tue'], start: '06:00', end: '06:00' }], at('2026-11-25T05:59:00Z'))).toBe(true);
    expect(isOpen([{ days: ['Tue'], start: '06:00', end: '06:00' }], at('2026-11-25T06:00:00Z'))).toBe(false);
    expect(isOpen([], at('2026-11-24T03:00:00Z'))).toBe(true);
    expect(isOpen(undefined, at('2026-11-24T03:00:00Z'))).toBe(true);
  });

  it('is open when any window of the list is', () => {
    const two: DeploymentWindow[] = [
      { start: '01:00', end: '02:00' },
      { start: '13:00', end: '14:00', timezone: 'Asia/Tokyo' },
    ];
    expect(isOpen(two, at('2026-11-24T01:30:00Z'))).toBe(true);
    expect(isOpen(two, at('2026-11-24T04:30:00Z'))).toBe(true); // 13:30 in Tokyo
    expect(isOpen(two, at('2026-11-24T03:00:00Z'))).toBe(false);
  });
});

describe('nextOpen', () => {
  it('is the instant itself when open, else the next start', () => {
    const office: DeploymentWindow[] = [{ days: WEEKDAYS, start: '09:00', end: '17:00', timezone: 'Europe/Paris' }];
    expect(iso(nextOpen(office, at('2026-11-24T10:00:00Z')))).toBe('2026-11-24T10:00:00.000Z');
    expect(iso(nextOpen(office, at('2026-11-24T16:30:12.345Z')))).toBe('2026-11-25T08:00:00.000Z');
    expect(iso(nextOpen(office, at('2026-11-28T12:00:00Z')))).toBe('2026-11-30T08:00:00.000Z'); // Sat → Mon
    expect(secondsUntilOpen(office, at('2026-11-25T07:59:30Z'))).toBe(30);
  });

  it('follows daylight saving: a start inside the skipped hour opens when the clocks jump', () => {
    // Paris, 2026-03-29: 02:00 CET jumps to 03:00 CEST (01:00Z).
    const early: DeploymentWindow[] = [{ start: '02:30', end: '04:00', timezone: 'Europe/Paris' }];
    expect(iso(nextOpen(early, at('2026-03-28T23:00:00Z')))).toBe('2026-03-29T01:00:00.000Z');
    // The day after, 02:30 CEST is 00:30Z.
    expect(iso(nextOpen(early, at('2026-03-29T03:00:00Z')))).toBe('2026-03-30T00:30:00.000Z');
    // New York, 2026-11-01: 02:00 EDT falls back to 01:00 EST; a 01:30 start opens at the first 01:30.
    const ny: DeploymentWindow[] = [{ start: '01:30', end: '01:45', timezone: 'America/New_York' }];
    expect(iso(nextOpen(ny, at('2026-11-01T04:00:00Z')))).toBe('2026-11-01T05:30:00.000Z');
  });
});

describe('checkWindows and describeWindow', () => {
  it('names the window whose zone Intl does not know', () => {
    expect(isTimeZone('Europe/Paris')).toBe(true);
    expect(isTimeZone('Mars/Olympus')).toBe(false);
    expect(() => checkWindows([{ start: '09:00', end: '10:00' }, { start: '09:00', end: '10:00', timezone: 'Mars/Olympus' }])).toThrow(
      'windows[1].timezone: must be an IANA time zone such as "Europe/Paris" or "UTC", got "Mars/Olympus"',
    );
  });

  it('writes a window for messages', () => {
    expect(describeWindow({ days: WEEKDAYS, start: '09:00', end: '17:00', timezone: 'Europe/Paris' })).toBe('Mon,Tue,Wed,Thu,Fri 09:00–17:00 Europe/Paris');
    expect(describeWindow({ start: '22:00', end: '02:00' })).toBe('22:00–02:00 UTC');
  });
});

describe('properties', () => {
  const hhmm = fc.tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 })).map(([h, m]) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`);
  const zone = fc.constantFrom('UTC', 'Europe/Paris', 'America/New_York', 'Asia/Kolkata', 'Australia/Lord_Howe', 'Pacific/Chatham');
  const window = fc.record({
    days: fc.subarray([...DAY_NAMES], { minLength: 1 }),
    start: hhmm,
    end: fc.oneof(hhmm, fc.constant('24:00')),
    timezone: zone,
  });
  const instant = fc.integer({ min: Date.UTC(2024, 0, 1), max: Date.UTC(2030, 0, 1) });

  it('nextOpen is open, at or after the instant, and within 8 days', () => {
    fc.assert(
      fc.property(fc.array(window, { minLength: 1, maxLength: 3 }), instant, (windows, t) => {
        const next = nextOpen(windows, t);
        expect(next).toBeGreaterThanOrEqual(t);
        expect(next - t).toBeLessThanOrEqual(8 * 24 * 3600 * 1000);
        expect(isOpen(windows, next)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('no minute between the instant and nextOpen is open', () => {
    fc.assert(
      fc.property(window, instant, (w, t) => {
        const next = nextOpen([w], t);
        // Scan the minute boundaries in between (at most two days of them, to stay quick).
        const stop = Math.min(next, t + 2 * 24 * 3600 * 1000);
        for (let m = Math.ceil((t + 1) / 60_000) * 60_000; m < stop; m += 60_000) {
          if (isOpen([w], m)) throw new Error(`open at ${iso(m)}, before nextOpen ${iso(next)} (from ${iso(t)})`);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('an open instant is its own nextOpen; a closed one is not', () => {
    fc.assert(
      fc.property(window, instant, (w, t) => {
        expect(nextOpen([w], t) === t).toBe(isOpen([w], t));
      }),
      { numRuns: 300 },
    );
  });
});
