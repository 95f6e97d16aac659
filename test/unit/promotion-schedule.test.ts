import { describe, expect, it } from 'vitest';
import { atExpression, promotionClientToken, promotionScheduleName } from '../../shared/core/promotion-schedule.ts';

const at = Date.parse('2026-12-03T10:15:30.200Z');

describe('promotion schedule names', () => {
  it('at(): UTC, rounded up to the second', () => {
    expect(atExpression(at)).toBe('at(2026-12-03T10:15:31)');
    expect(atExpression(Date.parse('2026-12-03T10:15:30Z'))).toBe('at(2026-12-03T10:15:30)');
  });

  it('names the deployment and the second, in Scheduler characters', () => {
    expect(promotionScheduleName('gp-01abc', at)).toBe('glidepath-promote-gp-01abc-20261203T101531');
    expect(promotionScheduleName('gp/01:abc', at)).toBe('glidepath-promote-gp-01-abc-20261203T101531');
  });

  it('a long id is hashed to stay within 64 characters, the same id to the same name', () => {
    const id = `gp-${'x'.repeat(60)}`;
    const name = promotionScheduleName(id, at);
    expect(name).toMatch(/^glidepath-promote-[0-9a-f]{12}-20261203T101531$/);
    expect(name.length).toBeLessThanOrEqual(64);
    expect(promotionScheduleName(id, at)).toBe(name);
    expect(promotionScheduleName(`${id}y`, at)).not.toBe(name);
  });

  it('the client token is one per (schedule, input)', () => {
    const token = promotionClientToken('n', { deploymentId: 'gp-1', action: 'promote' });
    expect(token).toMatch(/^[0-9a-f]{64}$/);
    expect(promotionClientToken('n', { deploymentId: 'gp-1', action: 'promote' })).toBe(token);
    expect(promotionClientToken('n', { deploymentId: 'gp-1', action: 'promote-full' })).not.toBe(token);
  });
});
