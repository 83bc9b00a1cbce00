import { describe, expect, it } from 'vitest';
import { countDownstream, downstreamGraph } from '../../src/store/usage-walk.js';

/**
 * The in-memory count both engines share. Nodes: 0 dataset v1, 1 dataset v2
 * (derived from v1), 2 featureset A, 3 featureset B, 4 run, 5 model,
 * 6 deployment, 7 a second run, 8 a run the scope hides.
 */
const RUN = 1;
const MODEL = 2;
const DEPLOYMENT = 3;

function graph() {
  const steps: [number, number][] = [
    [0, 1], // v1 → v2
    [1, 2], // v2 → featureset A
    [1, 3], // v2 → featureset B
    [2, 4], // A → run (a diamond through both featuresets)
    [3, 4], // B → run
    [4, 5], // run → model
    [5, 6], // model → deployment
    [3, 7], // B → second run
    [7, 8], // a cycle back is harmless: second run → hidden run → v2
    [8, 1],
  ];
  return downstreamGraph(9, steps.map(([near]) => near), steps.map(([, far]) => far));
}

function counts(member: Uint8Array, starts: number[]) {
  const answers: [number, unknown][] = [];
  countDownstream(graph(), member, starts, (start, usage) => answers.push([start, usage]));
  return answers;
}

describe('the shared usage walk', () => {
  const member = Uint8Array.from([0, 0, 0, 0, RUN, MODEL, DEPLOYMENT, RUN, RUN]);

  it('counts distinct members downstream, once across a diamond, the start left out', () => {
    expect(counts(member, [2, 3, 4])).toEqual([
      [2, { runs: 1, models: 1, deployments: 1 }],
      [3, { runs: 3, models: 1, deployments: 1 }],
      [4, { runs: 0, models: 1, deployments: 1 }],
    ]);
  });

  it('answers alike whichever order it merges counted sets in', () => {
    const newestFirst = counts(member, [1, 0]);
    const oldestFirst = counts(member, [0, 1]).reverse();
    expect(newestFirst).toEqual([
      [1, { runs: 3, models: 1, deployments: 1 }],
      [0, { runs: 3, models: 1, deployments: 1 }],
    ]);
    expect(oldestFirst).toEqual(newestFirst);
  });

  it('walks through what the member slots leave out without counting it', () => {
    const scoped = Uint8Array.from([0, 0, 0, 0, RUN, MODEL, DEPLOYMENT, 0, RUN]);
    expect(counts(scoped, [3])).toEqual([[3, { runs: 2, models: 1, deployments: 1 }]]);
  });
});
