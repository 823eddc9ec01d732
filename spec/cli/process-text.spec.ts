import { expect } from 'chai';
import picocolors from 'picocolors';
import type { InstanceDeadline, ProcessInstance } from '../../lib';
import { describeDeadline, describeDeadlines } from '../../lib/cli/processes/deadline-text';
import { formatInstances, shortened } from '../../lib/cli/processes/instance-text';

const now = new Date('2026-01-01T09:00:00.000Z');
const expire: InstanceDeadline = {
  name: 'expire',
  dueAt: new Date('2026-01-01T09:00:30.000Z'),
  payload: null,
  scheduledAt: now,
  attempts: 0,
  status: 'pending',
  lastError: null,
};

describe('Command-line output of process managers', () => {
  describe('describeDeadline', () => {
    it('says how long until a deadline falls due, or how long it is overdue', () => {
      expect(describeDeadline(expire, now)).to.equal('expire in 30 s');
      expect(describeDeadline(expire, new Date('2026-01-01T09:03:30.000Z'))).to.equal('expire overdue by 3 min 0 s');
      expect(describeDeadline(expire, expire.dueAt)).to.equal('expire overdue by 0 ms');
    });

    it('counts failed deliveries, and marks a failed deadline with the first line of its last error', () => {
      expect(describeDeadline({ ...expire, attempts: 1 }, now)).to.equal('expire in 30 s (1 failed attempt)');
      expect(describeDeadline({ ...expire, status: 'failed', attempts: 5, lastError: 'mail server down\n    at send (mail.ts:3)' }, now)).to.equal(
        'expire FAILED after 5 attempts: mail server down ...',
      );
      expect(describeDeadline({ ...expire, status: 'failed', attempts: 1 }, now)).to.equal('expire FAILED after 1 attempt');
    });

    it('joins the deadlines of an instance, and shows none as -', () => {
      expect(describeDeadlines([expire, { ...expire, name: 'remind', dueAt: new Date('2026-01-01T10:00:00.000Z') }], now)).to.equal(
        'expire in 30 s, remind in 1 h 0 min',
      );
      expect(describeDeadlines([], now)).to.equal('-');
    });
  });

  describe('formatInstances', () => {
    it('cuts a long state short and puts the deadlines last', () => {
      const instance: ProcessInstance = {
        processManager: 'order-expiry',
        key: 'o-1',
        status: 'running',
        state: { note: 'x'.repeat(100) },
        version: 3,
        startedAt: now,
        updatedAt: now,
        deadlines: [expire],
      };

      const [heading, row] = formatInstances([instance], now, picocolors.createColors(false));

      expect(heading!.split(/ {2,}/)).to.deep.equal(['KEY', 'STATUS', 'VERSION', 'UPDATED', 'STATE', 'DEADLINES']);
      expect(row).to.equal(`o-1  running        3  2026-01-01T09:00:00.000Z  {"note":"${'x'.repeat(48)}...  expire in 30 s`);
    });
  });

  it('shortened leaves text that fits alone', () => {
    expect(shortened('{"a":1}', 60)).to.equal('{"a":1}');
    expect(shortened('abcdefghij', 8)).to.equal('abcde...');
  });
});
