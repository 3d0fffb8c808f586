// Invariant checks. A broken invariant crashes the process instead of spreading corruption;
// errors a caller can cause or act on are ShoalErrors instead (see errors.ts).

/** Thrown only by `assert`; never caught except at a process's top level to exit. */
export class AssertionFailure extends Error {
  override readonly name = 'AssertionFailure';
}

/** Asserts that `condition` holds; otherwise throws AssertionFailure with `message`. */
export function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new AssertionFailure(message);
}

/** For the `default` branch of an exhaustive switch: the compiler proves it unreachable. */
export function unreachable(value: never): never {
  throw new AssertionFailure(`unreachable: ${JSON.stringify(value)}`);
}
