// The MQTT topic tree (docs/mqtt.md): one place that spells every topic, so the contract cannot drift.
import { GatewayError } from '../../vocabulary/errors.js';

export const TOPIC_PREFIX = 'sterilink/v1';

const SEGMENT = /^[A-Za-z0-9_-]+$/;

/** True when `value` may be used as one topic level (site, gateway, device id, record type). */
export function isValidSegment(value: string): boolean {
  return SEGMENT.test(value);
}

/** Throws `mqtt.topic` when `value` is not a valid topic segment; `what` names it in the message. */
export function assertSegment(what: string, value: string): void {
  if (typeof value !== 'string' || !SEGMENT.test(value)) {
    throw new GatewayError('mqtt.topic', `${what}: expected [A-Za-z0-9_-]+, found ${JSON.stringify(value)}`, { what, value });
  }
}

export interface TopicTree {
  /** `sterilink/v1/{site}/{gateway}` */
  readonly root: string;
  /** Retained, also the MQTT will: `{online, version, startedAt, keyId, publicKey}`. */
  readonly status: string;
  /** Inbound replay requests. */
  readonly cmdReplay: string;
  /** Replies to replay requests. */
  readonly replyReplay: string;
  /** Retained device state. */
  deviceState(deviceId: string): string;
  /** QoS 0 live telemetry. */
  deviceTelemetry(deviceId: string): string;
  /** QoS 1 signed records of one type. */
  records(type: string): string;
  /** Retained state of a loaner set (what the operating room reads). */
  loanerState(set: string): string;
}

/** Builds the topic tree for one gateway; validates site and gateway now, ids and types on each call. */
export function topicTree(site: string, gateway: string): TopicTree {
  assertSegment('site', site);
  assertSegment('gateway', gateway);
  const root = `${TOPIC_PREFIX}/${site}/${gateway}`;
  return {
    root,
    status: `${root}/status`,
    cmdReplay: `${root}/cmd/replay`,
    replyReplay: `${root}/reply/replay`,
    deviceState(deviceId) {
      assertSegment('device id', deviceId);
      return `${root}/device/${deviceId}/state`;
    },
    deviceTelemetry(deviceId) {
      assertSegment('device id', deviceId);
      return `${root}/device/${deviceId}/telemetry`;
    },
    records(type) {
      assertSegment('record type', type);
      return `${root}/records/${type}`;
    },
    loanerState(set) {
      assertSegment('loaner set', set);
      return `${root}/loaner/${set}/state`;
    },
  };
}
