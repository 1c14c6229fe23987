// The demo's human lines for published records: one line each, in words, no record ids.
import { describe, expect, it } from 'vitest';
import { narrate } from '../../cli/commands/demo-narrator.js';

const UUID = '9f9db212-6f06-41ad-a0c8-02c8f7978bdd';

describe('the demo narrator', () => {
  it('says a release decision with its device, cycle, status and reason on one line', () => {
    const line = narrate('release', {
      device: 'AC-02',
      body: { device: 'AC-02', cycleNo: 1, status: 'quarantined', reason: 'cycle verification failed: saturated_steam', load: { items: [] } },
    });
    expect(line).toBe('AC-02  cycle 1: load QUARANTINED: cycle verification failed: saturated_steam');
  });

  it('says who released early and with which reason code, not the long generated sentence', () => {
    const line = narrate('release', {
      device: 'AC-01',
      body: {
        device: 'AC-01',
        cycleNo: 3,
        status: 'released_early',
        operator: 'SUP1',
        givenReason: { code: 'TRAUMA', text: 'Trauma surgery' },
        reason: 'emergency release by SUP1 (reason TRAUMA: Trauma surgery) on a passing class-5 indicator; BI still incubating (implant, bi-vial)',
        load: { items: [{}] },
      },
    });
    expect(line).toBe('AC-01  cycle 3: load of 1 item(s) RELEASED EARLY by SUP1 (reason TRAUMA) on a passing class-5 indicator; its BI still incubates');
  });

  it('leaves record ids out of the words', () => {
    const line = narrate('release', {
      body: {
        device: 'AC-01',
        cycleNo: 2,
        status: 'recalled',
        reason: `recalled: positive BI on this sterilizer since its last negative BI (bi record ${UUID})`,
      },
    });
    expect(line).toBe('AC-01  cycle 2: load RECALLED: recalled: positive BI on this sterilizer since its last negative BI');
    expect(line).not.toContain(UUID);
  });

  it('says a held load in the words of its reason, and a load closed before its cycle as the next load', () => {
    expect(
      narrate('release', {
        body: { device: 'AC-01', cycleNo: 3, status: 'awaiting-bi', reason: 'held for a valid negative BI: the load contains an implant' },
      }),
    ).toBe('AC-01  cycle 3: load held for a valid negative BI: the load contains an implant');
    expect(
      narrate('release', {
        body: { device: 'AC-01', cycleNo: null, status: 'pending', reason: 'load closed by DEMO1; cycle running', load: { items: [1, 2] } },
      }),
    ).toBe('AC-01  next load of 2 item(s): load closed by DEMO1; cycle running');
  });

  it('says a recall with its size, a BI result with its lot and load, an alarm with its code', () => {
    expect(narrate('recall', { device: 'AC-01', body: { trigger: { biRecordId: UUID }, items: [1, 2, 3], loads: [1, 2, 3] } })).toBe(
      'AC-01  RECALL: a BI read positive; 3 item(s) in 3 load(s) to bring back (every load since the last negative BI)',
    );
    expect(narrate('recall', { device: 'AC-01', body: { trigger: { indicator: 'class5' }, items: [1], loads: [1] } })).toContain(
      'a class5 indicator failed after release',
    );
    expect(narrate('bi', { device: 'BI-01', body: { role: 'processed', lot: 'A2301', vial: 'V1', result: 'positive', valid: true, device: 'AC-01' } })).toBe(
      'BI-01  BI vial V1 of lot A2301 for a load of AC-01: POSITIVE',
    );
    expect(narrate('bi', { device: 'BI-01', body: { role: 'control', lot: 'A2301', result: 'positive' } })).toBe(
      'BI-01  BI positive control of lot A2301: POSITIVE',
    );
    expect(narrate('alarm', { device: 'AC-03', body: { code: 'stale-sensor', text: 'temperature frozen' } })).toBe(
      'AC-03  ALARM stale-sensor: temperature frozen',
    );
  });

  it('says nothing for the records the demo prints itself or that are not news (cycles, scans, audits)', () => {
    for (const type of ['cycle', 'scan', 'audit']) expect(narrate(type, { device: 'AC-01', body: {} })).toBeNull();
  });
});
