import type { ApolloServerPlugin } from '@apollo/server';
import type { RequestHandler } from 'express';
import { getVariableValues, GraphQLError, Kind, type DocumentNode, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import { executionTimeout } from '../domain/errors.js';
import type { Deadline } from '../app/deadline.js';
import { measureOperation, ResponseErrorCode, type Context, type CostModel } from '../graphql/index.js';

/**
 * The server's bounds on the work one request may ask for. Each refusal
 * happens before anything runs and carries its own code:
 *
 * - TOO_MANY_OPERATIONS: more operation definitions in one document than
 *   `maxOperations` (a document may hold several named operations, one of
 *   which runs), or, with HTTP batching on, more operations in one batch;
 * - QUERY_TOO_DEEP: fields nested deeper than `maxDepth`;
 * - TOO_MANY_ALIASES: more aliased fields than `maxAliases`;
 * - QUERY_TOO_COSTLY: an estimated cost (graphql/query-cost.ts) above
 *   `maxCost`; the operations of a batch share one budget;
 * - EXECUTION_TIMEOUT: the request's deadline passed while it still had
 *   store calls to make (app/deadline.ts). A query's partial answer is
 *   dropped and the timeout is the whole response, with HTTP 503. A
 *   mutation's response is kept as it is: mutations run in order, and a
 *   client must learn which were written (those without an error on their
 *   own field) and which were refused (EXECUTION_TIMEOUT on their field).
 *
 * The request body limit (PAYLOAD_TOO_LARGE, 413) is Express's, in app.ts.
 */
export interface QueryLimits {
  maxDepth: number;
  maxCost: number;
  maxAliases: number;
  maxOperations: number;
  executionTimeoutMs: number;
  /** The most assets relation lists and lineages may return in one request (RESULT_TOO_LARGE). */
  maxResultAssets: number;
}

/**
 * A full lineage at the default node limit with a dozen fields on its nodes
 * costs about 10^4, so the default cost lets a client ask for dozens of
 * lineages in one operation while refusing one that would resolve millions
 * of fields.
 */
export const DEFAULT_QUERY_LIMITS: QueryLimits = {
  maxDepth: 12,
  maxCost: 1_000_000,
  maxAliases: 30,
  maxOperations: 20,
  executionTimeoutMs: 10_000,
  maxResultAssets: 100_000,
};

export function queryLimitsPlugin(limits: QueryLimits, model: CostModel): ApolloServerPlugin<Context> {
  // What each request's operations have cost so far. Apollo Server gives each
  // operation of a batch its own shallow copy of the request's context, so the
  // key is an object the copies share: the request's deadline.
  const spent = new WeakMap<Deadline, number>();
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, operation, request, schema, contextValue }) {
          const tooMany = operationCountRefusal(limits, document);
          if (tooMany) throw tooMany;
          if (!operation) return;
          const variables = getVariableValues(schema, operation.variableDefinitions ?? [], request.variables ?? {}, {
            maxErrors: 1,
          });
          // Variables that do not coerce fail the operation before any resolver runs.
          if (!variables.coerced) return;
          const before = spent.get(contextValue.deadline) ?? 0;
          const measured = measureWithinLimits(limits, model, { schema, document, operation, variables: variables.coerced }, before);
          if ('refusal' in measured) throw measured.refusal;
          spent.set(contextValue.deadline, before + measured.cost);
        },

        async willSendResponse({ contextValue, response, operation }) {
          if (!contextValue.deadline.tripped || operation?.operation === 'mutation') return;
          const { message, code } = executionTimeout();
          response.body = { kind: 'single', singleResult: { errors: [{ message, extensions: { code } }] } };
          response.http.status = 503;
        },
      };
    },
  };
}

/** TOO_MANY_OPERATIONS when the document holds more operation definitions than allowed; null otherwise. */
export function operationCountRefusal(limits: QueryLimits, document: DocumentNode): GraphQLError | null {
  const operations = countOperations(document);
  if (operations <= limits.maxOperations) return null;
  return refusal(ResponseErrorCode.TOO_MANY_OPERATIONS, `The document holds ${operations} operations; the limit is ${limits.maxOperations}`);
}

export interface MeasuredOperation {
  schema: GraphQLSchema;
  document: DocumentNode;
  operation: OperationDefinitionNode;
  /** The operation's variables, coerced. */
  variables: Record<string, unknown>;
}

/**
 * The operation's estimated cost, or the refusal of the first limit it
 * breaks: depth, aliases, then cost, counting `spent` by earlier operations
 * of the same request. Every transport applies the limits through this.
 */
export function measureWithinLimits(
  limits: QueryLimits,
  model: CostModel,
  { schema, document, operation, variables }: MeasuredOperation,
  spent = 0,
): { cost: number } | { refusal: GraphQLError } {
  const { depth, aliases, cost } = measureOperation(schema, document, operation, variables, model);
  if (depth > limits.maxDepth) {
    return { refusal: refusal(ResponseErrorCode.QUERY_TOO_DEEP, `The operation nests fields ${depth} deep; the limit is ${limits.maxDepth}`) };
  }
  if (aliases > limits.maxAliases) {
    return { refusal: refusal(ResponseErrorCode.TOO_MANY_ALIASES, `The operation uses ${aliases} aliases; the limit is ${limits.maxAliases}`) };
  }
  if (spent + cost > limits.maxCost) {
    const batch = spent > 0 ? `, and the request's earlier operations cost ${spent}` : '';
    return {
      refusal: refusal(
        ResponseErrorCode.QUERY_TOO_COSTLY,
        `The operation's estimated cost is ${cost}${batch}; the limit is ${limits.maxCost}. ` +
          'Ask for fewer items: a smaller `first`, lineage `limit` or list of ids, or fewer fields priced as lineages (`usage`, `drift`)',
      ),
    };
  }
  return { cost };
}

function countOperations(document: DocumentNode): number {
  return document.definitions.filter((definition) => definition.kind === Kind.OPERATION_DEFINITION).length;
}

function refusal(code: ResponseErrorCode, message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code, http: { status: 400 } } });
}

/** With HTTP batching on, a batch of more than `maxOperations` operations is refused before Apollo Server reads it. */
export function limitBatches(maxOperations: number): RequestHandler {
  return (req, res, next) => {
    if (!Array.isArray(req.body) || req.body.length <= maxOperations) return next();
    res.status(400).json({
      errors: [
        {
          message: `The batch holds ${req.body.length} operations; the limit is ${maxOperations}`,
          extensions: { code: ResponseErrorCode.TOO_MANY_OPERATIONS },
        },
      ],
    });
  };
}
