import { describe, expect, test } from 'vitest';
import { KIND_STYLES, kindStyle } from '../../ui/src/kinds.js';

/** The explorer's kind styles (ui/src/kinds.ts), for a server with extensions too. */
describe('kindStyle', () => {
  test('draws a built-in kind with its own style', () => {
    expect(kindStyle('MODEL_PARAMS')).toEqual(KIND_STYLES.MODEL_PARAMS);
  });

  test('draws a kind the explorer was built without (an extension’s) in grey under its own name', () => {
    expect(kindStyle('EVALUATION')).toEqual({ label: 'Evaluation', colour: '#e5e7eb' });
    expect(kindStyle('MODEL_CARD')).toEqual({ label: 'Model card', colour: '#e5e7eb' });
  });
});
