// What the simulated autoclave's and washer's program lists share: each program's built-in device program
// number (vocabulary/program-numbers.ts), the number -> id table the machine prints by, and the lookup by id.
import { programNumberOf } from '../../vocabulary/program-numbers.js';

/** A program as written in a simulator's list: everything but its number, which comes from the shared table. */
export type WithoutNumber<T> = T extends unknown ? Omit<T, 'programNo'> : never;

/** The programs, each with its built-in device program number. */
export function withProgramNumbers<P extends { id: string; programNo: number }>(list: readonly WithoutNumber<P>[]): readonly P[] {
  return list.map((p) => ({ ...(p as object), programNo: programNumberOf((p as { id: string }).id) }) as P);
}

/** Program number -> program id, as the simulator prints it (the gateway's built-in `programMap`). */
export function programNumbers<P extends { id: string; programNo: number }>(programs: readonly P[]): Readonly<Record<number, P['id']>> {
  return Object.fromEntries(programs.map((p) => [p.programNo, p.id]));
}

/** The program with this id; throws naming the valid ids otherwise. */
export function programById<P extends { id: string }>(programs: readonly P[], id: string, machine: string): P {
  const found = programs.find((p) => p.id === id);
  if (!found) throw new Error(`unknown ${machine} program '${id}'; valid programs: ${programs.map((p) => p.id).join(', ')}`);
  return found;
}
