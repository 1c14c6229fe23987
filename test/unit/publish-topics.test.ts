import { describe, expect, it } from 'vitest';
import { assertSegment, isValidSegment, topicTree } from '../../gateway/publish/topics.js';
import { isGatewayError } from '../../vocabulary/errors.js';

function thrown(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  return undefined;
}

describe('topic tree', () => {
  const t = topicTree('demo-hospital', 'cssd-gw-01');

  it('spells every topic of the contract under sterilink/v1/{site}/{gateway}', () => {
    expect(t.root).toBe('sterilink/v1/demo-hospital/cssd-gw-01');
    expect(t.status).toBe('sterilink/v1/demo-hospital/cssd-gw-01/status');
    expect(t.deviceState('AC-01')).toBe('sterilink/v1/demo-hospital/cssd-gw-01/device/AC-01/state');
    expect(t.deviceTelemetry('WD_2')).toBe('sterilink/v1/demo-hospital/cssd-gw-01/device/WD_2/telemetry');
    expect(t.records('cycle')).toBe('sterilink/v1/demo-hospital/cssd-gw-01/records/cycle');
    expect(t.cmdReplay).toBe('sterilink/v1/demo-hospital/cssd-gw-01/cmd/replay');
    expect(t.replyReplay).toBe('sterilink/v1/demo-hospital/cssd-gw-01/reply/replay');
  });

  it.each(['', 'a/b', 'a+', '#', 'a b', 'ü', 'x\u0000', 'a.b'])('rejects the segment %j', (bad) => {
    expect(isValidSegment(bad)).toBe(false);
    expect(() => assertSegment('device id', bad)).toThrow(/device id: expected \[A-Za-z0-9_-\]\+/);
    expect(
      isGatewayError(
        thrown(() => t.deviceState(bad)),
        'mqtt.topic',
      ),
    ).toBe(true);
  });

  it('validates site and gateway when the tree is built', () => {
    expect(() => topicTree('my site', 'gw')).toThrow(/site/);
    expect(() => topicTree('site', 'gw/1')).toThrow(/gateway/);
  });

  it('validates record types too', () => {
    expect(() => t.records('cycle/#')).toThrow(/record type/);
  });
});
