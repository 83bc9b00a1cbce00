/**
 * The end of an exhaustive switch: the compiler proves it unreachable, and
 * data from outside the type system (a hand-edited database) that reaches it
 * anyway fails loudly, naming what it was.
 */
export function assertNever(value: never, what: string): never {
  throw new Error(`Unexpected ${what}: ${JSON.stringify(value)}`);
}
