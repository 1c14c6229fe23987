// Reading the SteriLink topic tree (docs/mqtt.md) from the subscriber's side: which gateway, device or
// record type a received topic is about. Pure.
import { isValidSegment, TOPIC_PREFIX } from '../../gateway/publish/topics.js';

export type WatchTopic =
  | { kind: 'status'; site: string; gateway: string }
  | { kind: 'state' | 'telemetry'; site: string; gateway: string; device: string }
  | { kind: 'records'; site: string; gateway: string; recordType: string }
  | { kind: 'other'; site: string; gateway: string };

const PREFIX = TOPIC_PREFIX.split('/');

/** The topic's meaning, or null when it is not under `sterilink/v1/{site}/{gateway}/`. */
export function parseWatchTopic(topic: string): WatchTopic | null {
  const parts = topic.split('/');
  if (parts.length < PREFIX.length + 3 || PREFIX.some((p, i) => parts[i] !== p)) return null;
  const [site, gateway, ...rest] = parts.slice(PREFIX.length) as [string, string, ...string[]];
  if (!isValidSegment(site) || !isValidSegment(gateway)) return null;
  if (rest.length === 1 && rest[0] === 'status') return { kind: 'status', site, gateway };
  if (rest.length === 3 && rest[0] === 'device' && isValidSegment(rest[1]!) && (rest[2] === 'state' || rest[2] === 'telemetry')) {
    return { kind: rest[2], site, gateway, device: rest[1]! };
  }
  if (rest.length === 2 && rest[0] === 'records' && isValidSegment(rest[1]!)) return { kind: 'records', site, gateway, recordType: rest[1]! };
  return { kind: 'other', site, gateway };
}

/**
 * The subscriptions `watch` needs under one site/gateway filter ('+' = any): status, device state and
 * telemetry, and cycle records. Narrower than `…/#`, so release/scan records and replay traffic never
 * reach a terminal that does not show them.
 */
export function watchFilters(site?: string, gateway?: string): string[] {
  const root = `${TOPIC_PREFIX}/${site ?? '+'}/${gateway ?? '+'}`;
  return [`${root}/status`, `${root}/device/+/+`, `${root}/records/cycle`];
}
