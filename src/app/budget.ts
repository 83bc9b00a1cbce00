import { resultTooLarge } from '../domain/errors.js';

/**
 * A request's result budget: how many assets its relation lists and
 * lineages may return in all. The query cost limit estimates before
 * execution, with an assumed fan-out for relation lists; this counts what
 * execution really returns. Nested relation lists are answered from the
 * request's cache after the first levels, so neither the store nor the
 * deadline sees them: without this bound, a dataset shared by a few hundred
 * runs turns `runs { datasets { runs { ... } } }` into millions of objects.
 */
export interface ResultBudget {
  /** Counts `count` more assets; throws RESULT_TOO_LARGE once more than the budget were counted. */
  spend(count: number): void;
}

/** A budget of `max` assets; `Infinity` never runs out. */
export function startResultBudget(max: number): ResultBudget {
  let spent = 0;
  return {
    spend(count) {
      spent += count;
      if (spent > max) throw resultTooLarge(max);
    },
  };
}
