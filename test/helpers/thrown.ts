// What a call throws, for tests that look at the error itself (its code, message or problems) rather
// than only at its message: fails the test when the call returns instead.
export function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error(`expected ${fn.toString()} to throw; it returned`);
}
