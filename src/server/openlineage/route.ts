import express, { type ErrorRequestHandler, type RequestHandler, type Response } from 'express';
import { GraphQLError } from 'graphql';
import { hasRole, type Viewer } from '../../domain/access.js';
import { ErrorCode, forbidden, jsonPath, MetalayerError, unauthenticated } from '../../domain/errors.js';
import { planRunEvent, type OpenLineageRunEvent } from '../../domain/openlineage.js';
import { commitPlan } from '../../app/commit.js';
import type { Core } from '../../app/session.js';
import type { Authenticate } from '../authenticate.js';
import type { Logger } from '../logger.js';
import { parseRunEvent } from './body.js';

/** The path OpenLineage's HTTP transport posts to by default, as Marquez serves it. */
export const OPENLINEAGE_PATH = '/api/v1/lineage';

export interface OpenLineageSettings {
  core: Core;
  authenticate: Authenticate;
  /** Job namespace → the project whose scoped writers may post its runs. */
  namespaces: ReadonlyMap<string, string>;
  bodyLimit: number;
  logger: Logger;
}

/**
 * `POST /api/v1/lineage`: one OpenLineage RunEvent, committed as one unit
 * of work (domain/openlineage.ts) through the same core, tokens and write
 * rules as /graphql, under the source `openlineage:<eventType>`. Answers
 * 201 with the run's id; a failure answers `{ error: { code, message,
 * field } }` with the field as a JSON path into the body (`$.run.runId`):
 * 400 for bad input, 401 without a valid token, 403 for a token that may
 * not write the event, 409 for a conflict.
 */
export function openLineageRoutes(settings: OpenLineageSettings): [RequestHandler, RequestHandler, ErrorRequestHandler] {
  return [express.json({ limit: settings.bodyLimit }), postRunEvent(settings), bodyErrors(settings)];
}

function postRunEvent({ core, authenticate, namespaces, logger }: OpenLineageSettings): RequestHandler {
  return async (req, res) => {
    try {
      const viewer = requireToken(authenticate, req.get('authorization'));
      res.locals['viewer'] = viewer.name;
      const event = parseRunEvent(req.body);
      const plan = planRunEvent(event);
      const session = core.openSession(actingViewer(viewer, event, namespaces));
      await commitPlan(session, `openlineage:${event.eventType}`, plan);
      res.status(201).json({ run: plan.id });
    } catch (error) {
      sendError(res, error, logger);
    }
  };
}

/** The request's viewer; posting needs a token, so an anonymous request is refused with 401. */
function requireToken(authenticate: Authenticate, authorization: string | undefined): Viewer {
  let viewer: Viewer;
  try {
    viewer = authenticate(authorization);
  } catch (error) {
    if (error instanceof GraphQLError && error.originalError instanceof MetalayerError) throw error.originalError;
    throw error;
  }
  if (viewer.anonymous) throw unauthenticated('Posting lineage needs a token with the writer role: send "Authorization: Bearer <token>"');
  return viewer;
}

/**
 * The viewer the event is written as. OpenLineage runs hang from no model,
 * so they belong to no project (shared): only an unscoped writer may record
 * them. A writer scoped to the project that METALAYER_OPENLINEAGE_NAMESPACES
 * maps the job's namespace to writes the event as an unscoped writer of the
 * same name. The runs stay shared; what keeps such a writer to its
 * namespace is the rule of observed runs, which refuses an event for a run
 * recorded from another namespace or through GraphQL (domain/runs.ts), and
 * datasets, which an event only adds relations to.
 */
function actingViewer(viewer: Viewer, event: OpenLineageRunEvent, namespaces: ReadonlyMap<string, string>): Viewer {
  if (viewer.projects === null || !hasRole(viewer, 'writer')) return viewer;
  const project = namespaces.get(event.job.namespace);
  if (project !== undefined && viewer.projects.has(project)) return { ...viewer, projects: null };
  throw forbidden(
    `a token scoped to projects posts only the runs of job namespaces mapped to one of its projects (METALAYER_OPENLINEAGE_NAMESPACES); "${event.job.namespace}" is not`,
    ['job', 'namespace'],
  );
}

const STATUS: Partial<Record<ErrorCode, number>> = {
  BAD_USER_INPUT: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  STORE_UNAVAILABLE: 503,
  EXECUTION_TIMEOUT: 503,
};

/** Renders a failure: a MetalayerError with its code and field; anything else logged and answered as an internal error. */
function sendError(res: Response, error: unknown, logger: Logger): void {
  const known = error instanceof MetalayerError ? error : null;
  const status = known ? STATUS[known.code] : undefined;
  if (!known || status === undefined) {
    logger.error({ err: error }, 'internal error in OpenLineage ingestion');
    res.status(500).json({ error: { code: 'INTERNAL_SERVER_ERROR', message: 'Internal server error' } });
    return;
  }
  if (status === 401) res.setHeader('www-authenticate', 'Bearer realm="metalayer"');
  const field = known.field ? jsonPath(known.field) : undefined;
  const message = field ? `${field}: ${known.detail}` : known.detail;
  res.status(status).json({ error: { code: known.code, message, ...(field ? { field } : {}) } });
}

/** A body too large or not JSON, answered in this endpoint's shape. */
function bodyErrors({ bodyLimit, logger }: OpenLineageSettings): ErrorRequestHandler {
  return (error: unknown, _req, res, _next) => {
    const type = (error as { type?: unknown }).type;
    if (type === 'entity.too.large') {
      res.status(413).json({ error: { code: 'PAYLOAD_TOO_LARGE', message: `The request body is larger than the limit of ${bodyLimit} bytes` } });
    } else if (type === 'entity.parse.failed') {
      res.status(400).json({ error: { code: ErrorCode.BAD_USER_INPUT, message: 'The request body is not valid JSON', field: '$' } });
    } else {
      sendError(res, error, logger);
    }
  };
}
