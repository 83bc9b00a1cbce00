import { describe, expect, test } from 'vitest';
import type { Catalogue } from '../../src/domain/catalogue.js';
import { ExtensionError, loadExtensions, parseExtensions, type ExtensionSource } from '../../src/graphql/index.js';
import { schemaError } from '../../src/graphql/extensions.js';
import { EVALUATION_SOURCE, MODEL_CARD_SOURCE } from '../helpers/extensions.js';

/**
 * Bad extension files stop the start: every problem of every file is
 * listed at once, each as `file:line:column: what`, and nothing is used.
 */

/** A relation of `catalogue` by name. */
function relation(catalogue: Catalogue, name: string) {
  if (!catalogue.isRelationName(name)) throw new Error(`no relation ${name}`);
  return catalogue.relation(name);
}

function problems(...texts: string[]): readonly string[] {
  const sources: ExtensionSource[] = texts.map((text, i) => ({ name: `ext${i + 1}.graphql`, text }));
  try {
    parseExtensions(sources);
  } catch (error) {
    if (error instanceof ExtensionError) return error.problems;
    throw error;
  }
  throw new Error('expected the extensions to be refused');
}

describe('extension files', () => {
  test('the examples load, alone and together', () => {
    expect(loadExtensions([EVALUATION_SOURCE]).kinds.map((spec) => spec.kind).at(-1)).toBe('EVALUATION');
    const both = loadExtensions([EVALUATION_SOURCE, MODEL_CARD_SOURCE]);
    expect(both.kinds.slice(9).map((spec) => [spec.kind, spec.collection, spec.owner])).toEqual([
      ['EVALUATION', 'evaluations', 'shared'],
      ['MODEL_CARD', 'model_cards', { relation: 'model_card_model', direction: 'OUT', kind: 'MODEL' }],
    ]);
    expect(relation(both, 'evaluation_model')).toEqual({ name: 'evaluation_model', from: ['EVALUATION'], to: ['MODEL'], upstream: 'to' });
  });

  test('declares directions: upstream: false puts the declaring kind upstream, containment: true is not lineage', () => {
    const catalogue = loadExtensions([
      {
        name: 'ext.graphql',
        text: `type Approval @kind(collection: "approvals") {
          model: Model @relation(name: "approval_model", upstream: false)
          project: Project @relation(name: "approval_project", containment: true)
        }`,
      },
    ]);
    expect(relation(catalogue, 'approval_model').upstream).toBe('from');
    expect(relation(catalogue, 'approval_project').upstream).toBeNull();
    expect(catalogue.lineageRelations.map((rel) => rel.name)).not.toContain('approval_project');
  });

  test('a name clash with a built-in type, field or collection', () => {
    expect(
      problems(`type Model @kind(collection: "x") { a: Int }
type Review @kind(collection: "models") { a: Int }
type Audit @kind(collection: "audits") {
  tag: String
  run: Run @relation(name: "run_models")
}
extend type Model { task: String }`),
    ).toEqual([
      'ext1.graphql:1:1: type Model clashes with a built-in type of that name',
      'ext1.graphql:2:13: collection "models" is a built-in collection',
      'ext1.graphql:4:3: Audit.tag clashes with the Asset field tag, which every kind has',
      'ext1.graphql:5:3: relation "run_models" clashes with the built-in collection of that name',
      'ext1.graphql:7:21: Model.task clashes with a built-in field of that name',
    ]);
  });

  test('a relation to an unknown type', () => {
    expect(problems(`type Review @kind(collection: "reviews") {\n  reviewer: Person @relation(name: "review_person")\n}`)).toEqual([
      'ext1.graphql:2:3: relation field reviewer leads to Person, which is not a known asset type',
    ]);
  });

  test('the same relation declared twice with different ends, across files', () => {
    expect(
      problems(
        `type Review @kind(collection: "reviews") { model: Model @relation(name: "review_of") }`,
        `type Audit @kind(collection: "audits") {\n  run: Run @relation(name: "review_of")\n}`,
      ),
    ).toEqual(['ext2.graphql:2:3: relation "review_of" is declared again with different ends or direction (first at ext1.graphql:1:44)']);
  });

  test('a reverse field with no forward declaration, or one that does not fit it', () => {
    expect(
      problems(`type Review @kind(collection: "reviews") { model: Model @relation(name: "review_model") }
extend type Model {
  audits: [Review!]! @relation(name: "audit_model", reverse: true)
}
extend type Dataset {
  reviews: [Review!]! @relation(name: "review_model", reverse: true)
}`),
    ).toEqual([
      'ext1.graphql:3:3: reverse field Model.audits reads relation "audit_model", which no field declares',
      'ext1.graphql:6:3: reverse field Dataset.reviews does not fit relation "review_model", which leads from REVIEW to MODEL',
    ]);
  });

  test('a field type that cannot be stored', () => {
    expect(
      problems(`type Review @kind(collection: "reviews") {
  metric: Metric
  model: Model
  grid: [[Int]]
  runs: [Run] @relation(name: "review_runs")
}`),
    ).toEqual([
      'ext1.graphql:2:3: field metric has type Metric, which cannot be stored: a scalar (String, Int, Float, Boolean, ID, DateTime, JSON) or an enum, or a list of one',
      'ext1.graphql:3:3: field model has type Model, which cannot be stored: a scalar (String, Int, Float, Boolean, ID, DateTime, JSON) or an enum, or a list of one; Model is an asset type: declare the field with @relation(name: …)',
      'ext1.graphql:4:3: field grid has type [[Int]], which cannot be stored: a scalar (String, Int, Float, Boolean, ID, DateTime, JSON) or an enum, or a list of one',
      'ext1.graphql:5:3: relation field runs has type [Run]: expected Run or [Run!]!',
    ]);
  });

  test('a collection name that is not a valid ArangoDB collection name', () => {
    expect(
      problems(`type Review @kind(collection: "1reviews") { a: Int }
type Audit @kind(collection: "audit-log") { a: Int }
type Check @kind(collection: "metalayer_checks") { a: Int }`),
    ).toEqual([
      'ext1.graphql:1:13: "1reviews" is not a valid ArangoDB collection name: a letter, then at most 255 letters, digits, _ or -',
      'ext1.graphql:2:12: "audit-log" cannot be used as a collection: metalayer takes lower-case letters, digits and _, and keeps metalayer_ for itself',
      'ext1.graphql:3:12: "metalayer_checks" cannot be used as a collection: metalayer takes lower-case letters, digits and _, and keeps metalayer_ for itself',
    ]);
  });

  test('syntax errors and anything but kinds, enums and extended asset types, each where it is', () => {
    expect(problems(`type Review @kind(collection: "reviews") {`, `type Plain { a: Int }\ninput Filter { a: Int }\nextend type Lineage { a: Int }`)).toEqual([
      'ext1.graphql:1:43: Syntax Error: Expected Name, found <EOF>.',
      'ext2.graphql:1:1: type Plain has no @kind(collection: …): an extension\'s types are asset kinds',
      'ext2.graphql:2:1: an extension declares kinds (type … @kind), enums and reverse relations (extend type …); InputObjectTypeDefinition is not allowed',
      'ext2.graphql:3:1: extend type Lineage: only asset types, built-in or declared, can be extended',
    ]);
  });

  test('every mistake at once, file by file in the order given: a bad collection does not hide the fields\' clashes', () => {
    expect(
      problems(
        `type Review @kind(collection: "1reviews") {\n  tag: String\n}`,
        `enum Model { A }\ntype Audit @kind(collection: "models") {\n  name: String\n}`,
      ),
    ).toEqual([
      'ext1.graphql:1:13: "1reviews" is not a valid ArangoDB collection name: a letter, then at most 255 letters, digits, _ or -',
      'ext1.graphql:2:3: Review.tag clashes with the Asset field tag, which every kind has',
      'ext2.graphql:1:1: enum Model clashes with a built-in type of that name',
      'ext2.graphql:2:12: collection "models" is a built-in collection',
      'ext2.graphql:3:3: Audit.name clashes with the Asset field name, which every kind has',
    ]);
  });

  test('a directive used with arguments it does not take, or without those it needs', () => {
    expect(
      problems(`type Review @kind(collection: "reviews", named: true) { a: Int }
type Audit @kind(collection: "audits") {
  model: Model @relation(nme: "audit_model")
  run: Run @relation(name: "audit_run", upstream: "yes")
}`),
    ).toEqual([
      'ext1.graphql:1:13: @kind has no argument named',
      'ext1.graphql:3:16: @relation has no argument nme',
      'ext1.graphql:3:16: @relation needs name: String!',
      'ext1.graphql:4:12: @relation(upstream:) takes a Boolean, received "yes"',
    ]);
  });

  test('an owner relation to assets that belong to no project', () => {
    expect(problems(`type Label @kind(collection: "labels") {\n  dataset: Dataset @relation(name: "label_dataset", owner: true)\n}`)).toEqual([
      'ext1.graphql:2:3: Label.dataset: an owner relation must lead to assets that belong to projects; Dataset belongs to none',
    ]);
  });

  test('an ownership chain longer than the catalogue allows, named where its last step is declared', () => {
    expect(
      problems(`type A1 @kind(collection: "a1") {
  m: Model @relation(name: "a1_m", owner: true)
}
type A2 @kind(collection: "a2") {
  a1: A1 @relation(name: "a2_a1", owner: true)
}
type A3 @kind(collection: "a3") {
  a2: A2 @relation(name: "a3_a2", owner: true)
}`),
    ).toEqual([
      'ext1.graphql:8:3: A3.a2: the ownership chain of A3 is longer than 3 steps (A3 → A2 → A1 → MODEL → PROJECT)',
    ]);
    expect(problems(`type A1 @kind(collection: "a1") { s: ServingPerf @relation(name: "a1_s", owner: true) }`)).toEqual([
      'ext1.graphql:1:35: A1.s: the ownership chain of A1 is longer than 3 steps (A1 → SERVING_PERF → DEPLOYMENT → MODEL → PROJECT)',
    ]);
  });

  test('two types that would be the same kind', () => {
    expect(problems(`type evaluation @kind(collection: "evaluations") { a: Int }`, `type Evaluation @kind(collection: "evals") { a: Int }`)).toEqual([
      'ext2.graphql:1:1: type Evaluation would be the kind EVALUATION, which evaluation (ext1.graphql:1:1) is already',
    ]);
  });

  test('names beginning with __, which GraphQL keeps for introspection', () => {
    expect(
      problems(`type Review @kind(collection: "reviews") {
  __x: Int
}
type __Audit @kind(collection: "audits") { a: Int }
enum __Grade { A }
enum Grade { __B }`),
    ).toEqual([
      'ext1.graphql:2:3: the name __x begins with "__", which GraphQL keeps for introspection',
      'ext1.graphql:4:6: the name __Audit begins with "__", which GraphQL keeps for introspection',
      'ext1.graphql:5:6: the name __Grade begins with "__", which GraphQL keeps for introspection',
      'ext1.graphql:6:14: the name __B begins with "__", which GraphQL keeps for introspection',
    ]);
  });

  test('a declared name that clashes with one the server generates for a kind', () => {
    expect(
      problems(
        `type Review @kind(collection: "reviews") { score: Float }`,
        `type RegisterReviewInput @kind(collection: "rri") { score: Float }\nenum RegisterReviewPayload { A }`,
      ),
    ).toEqual([
      'ext2.graphql:1:1: type RegisterReviewInput clashes with the input type of registerReview, which the server generates for Review (ext1.graphql:1:1)',
      'ext2.graphql:2:1: enum RegisterReviewPayload clashes with the payload type of registerReview, which the server generates for Review (ext1.graphql:1:1)',
    ]);
  });

  test('an enum value given twice', () => {
    expect(problems(`enum Grade { A B A }`)).toEqual(['ext1.graphql:1:18: enum Grade has the value A twice']);
  });

  test('the last line of defence: a schema that cannot be built is a start error naming the files, not a stack trace', () => {
    const error = schemaError([{ name: 'ext1.graphql', text: 'x' }], () => {
      throw new Error('There can be only one type named X.');
    });
    expect(error).toBeInstanceOf(ExtensionError);
    expect(error?.problems).toEqual(['ext1.graphql: the extended schema cannot be built: There can be only one type named X.']);
  });
});
