import { generate, loadCodegenConfig } from '@graphql-codegen/cli';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { EVALUATION_PATH } from '../helpers/extensions.js';
import { startServer, type RunningServer } from '../helpers/server.js';

/**
 * A client of an extended server generates its types as docs/extensions.md
 * says: GraphQL Code Generator reads the running server's introspection
 * (examples/extensions/codegen.yml, pointed at the test server), so the
 * custom kinds' types, inputs and enum values are typed like the built-in
 * ones. Nothing is written: the outputs are compared in memory.
 */

let server: RunningServer;
beforeAll(async () => {
  server = await startServer({ METALAYER_EXTENSIONS: EVALUATION_PATH });
});
afterAll(() => server?.server.stop());

describe('codegen against a running extended server', () => {
  test('types the custom kind, its register mutation and the AssetKind value, from introspection alone', async () => {
    const { config } = await loadCodegenConfig({ configFilePath: 'examples/extensions/codegen.yml' });
    expect(config.schema).toBe('http://127.0.0.1:4000/graphql');
    const files = await generate({ ...config, schema: `${server.url}/graphql`, silent: true }, false);
    const code = files.map((file: { content: string }) => file.content).join('\n');
    expect(code).toContain('export type Evaluation = Asset & Node & {');
    expect(code).toMatch(/export type RegisterEvaluationInput = \{[^}]*datasets\?: InputMaybe<Array<Scalars\['ID'\]\['input'\]>>;/s);
    expect(code).toMatch(/export type AssetKind =[^;]*\| 'EVALUATION'/s);
    expect(code).toContain("export type EvaluateMutation = { __typename?: 'Mutation', registerEvaluation: { __typename?: 'RegisterEvaluationPayload', evaluation: {");
    expect(code).toContain('export type ModelEvaluationsQuery');
  }, 60_000);
});
