import type { IncomingMessage, ServerResponse } from 'node:http';
import { isHttpError, NotFoundError } from '@jwt-msa/http-errors';
import { pathOf, sendJson } from './http-response';
import type { Logger } from './logger';

export type Next = (error?: unknown) => void;
/** Middleware on node's own request and response: it runs in both presets (an express app's objects extend them). */
export type NodeHandler = (req: IncomingMessage, res: ServerResponse, next: Next) => void;
export type NodeErrorHandler = (error: unknown, req: IncomingMessage, res: ServerResponse, next: Next) => void;

interface BodyParserError {
  type?: string;
  status?: number;
  expose?: boolean;
}

/** body-parser's error types, mapped to our stable codes. */
const BODY_ERRORS: Record<string, { status: number; code: string; message: string }> = {
  'entity.parse.failed': { status: 400, code: 'invalid_json', message: 'The request body is not valid JSON' },
  'entity.too.large': { status: 413, code: 'body_too_large', message: 'The request body is too large' },
  'encoding.unsupported': { status: 415, code: 'unsupported_encoding', message: 'Unsupported content encoding' },
  'charset.unsupported': { status: 415, code: 'unsupported_charset', message: 'Unsupported charset' },
  'request.aborted': { status: 400, code: 'request_aborted', message: 'The request was aborted' },
  'request.size.invalid': {
    status: 400,
    code: 'invalid_request',
    message: 'The request size did not match Content-Length',
  },
};

export const notFound: NodeHandler = (req, _res, next) => {
  next(new NotFoundError(`No route for ${req.method} ${pathOf(req.url)}`));
};

/** The one place where errors become responses: `{error, message}`, never a stack trace. */
export function errorHandler(logger: Logger): NodeErrorHandler {
  return (error, _req, res, next) => {
    if (res.headersSent) return next(error);
    if (isHttpError(error)) {
      if (error.status >= 500) logger.warn({ code: error.code, err: error.message }, 'dependency failure');
      sendJson(res, error.status, { error: error.code, message: error.message }, error.headers);
      return;
    }
    const bodyError = BODY_ERRORS[(error as BodyParserError)?.type ?? ''];
    if (bodyError) {
      sendJson(res, bodyError.status, { error: bodyError.code, message: bodyError.message });
      return;
    }
    logger.error({ err: error }, 'unhandled error');
    sendJson(res, 500, { error: 'internal_error', message: 'Something went wrong' });
  };
}
