import { GraphQLError, type ASTVisitor, type ValidationContext } from 'graphql';
import { ResponseErrorCode } from './errors.js';

/**
 * A validation rule refusing `_service`, the field through which a federated
 * gateway reads a subgraph's SDL. It hands out the whole schema, so where
 * introspection is off (production, by default) it must be off too, or
 * turning introspection off would hide nothing. Gateways that compose from
 * a static supergraph never ask for it; only `_entities` is needed at run
 * time. The refusal is a validation error, as Apollo Server's own for
 * `__schema` is.
 */
export function NoSubgraphSdlRule(context: ValidationContext): ASTVisitor {
  const queryType = context.getSchema().getQueryType();
  return {
    Field(node) {
      if (node.name.value === '_service' && queryType && context.getParentType() === queryType) {
        context.reportError(
          new GraphQLError('The subgraph SDL (`_service`) is not available: introspection is turned off on this server', {
            nodes: node,
            extensions: { code: ResponseErrorCode.GRAPHQL_VALIDATION_FAILED },
          }),
        );
      }
    },
  };
}
