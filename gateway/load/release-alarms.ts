// The alarms the release machine raises beside (or instead of) a status change, so that what needs a person
// is never only a line in a table (pure). Sources: reference/standards.md §4.1 (a processed BI counts only with a
// same-lot positive control read positive that day, else the test is invalid and is repeated), §4.2 and §1.7
// (WS 310.3 / AAMI ST79: an early-released implant load stays under the BI result; a failed BI or indicator
// after release means a recall).
import type { ReleaseState } from './release-state.js';
import { isHeld } from './release-status.js';

export type MachineAlarmCode = 'bi-invalid' | 'bi-invalid-released' | 'indicator-failed-after-release';

export interface MachineAlarm {
  code: MachineAlarmCode;
  /** The sentence for people: names the load and says what to do. */
  text: string;
  /** Ids the alarm refers to (the bi record, …), copied into the alarm record's body. */
  refs: Record<string, string | null>;
}

export interface InvalidBi {
  recordId: string;
  result: 'negative' | 'positive' | 'invalid';
  reason: string;
  /** The reading can no longer become valid today (anything but "no positive control read yet"). */
  final: boolean;
}

const loadName = (st: ReleaseState) => `load ${st.facts.loadId} (${st.facts.device} cycle ${st.facts.cycle?.cycleNo ?? st.facts.cycleId ?? '?'})`;

/**
 * A reading of the load's own BI that does not count. A positive one always raises an alarm (it may be a real
 * sterilization failure waiting for its control); any other only once it can no longer become valid. The load
 * keeps its status: a held load stays held (it needs a valid BI), a released one must be assessed by a person.
 */
export function invalidBiAlarm(st: ReleaseState, bi: InvalidBi): MachineAlarm | null {
  if (st.facts.kind !== 'load') return null;
  if (!bi.final && bi.result !== 'positive') return null;
  const repeat = bi.final ? 'repeat the BI' : 'read the positive control of this lot today; if it does not grow, repeat the BI';
  const released = st.status === 'released_early' || (st.status === 'released' && bi.result === 'positive');
  const then =
    st.status === 'released_early'
      ? 'the load was released early on a class-5 indicator and this BI cannot confirm it: assess the released load now (recall it if its sterility cannot be shown)'
      : released
        ? 'the load was already released: assess it now (recall it if its sterility cannot be shown)'
        : isHeld(st.status)
          ? `the load stays held (${st.status}) until a valid BI result`
          : `the load stays ${st.status}`;
  return {
    code: released ? 'bi-invalid-released' : 'bi-invalid',
    text: `BI of ${loadName(st)} read ${bi.result} but does not count: ${bi.reason}. ${repeat[0]?.toUpperCase()}${repeat.slice(1)}; ${then}.`,
    refs: { biRecordId: bi.recordId },
  };
}

/** An indicator read as failed after the load was released: the load is recalled (recall record) and people told. */
export function failedAfterReleaseAlarm(st: ReleaseState, indicator: 'ci' | 'class5', operator: string): MachineAlarm {
  const name = indicator === 'ci' ? 'chemical indicator' : 'class-5 integrating indicator';
  return {
    code: 'indicator-failed-after-release',
    text: `${name} of ${loadName(st)} read as failed by ${operator} after the load was ${st.status === 'released_early' ? 'released early' : 'released'}: the load is recalled; retrieve every item of the recall record and assess where they were used.`,
    refs: {},
  };
}
