// WB's error bodies. The gateway (401, 429) answers application/problem+json with
// {title, detail, code, requestId, origin, status, statusText, timestamp}; the supplies service's 400s carry
// models.ErrorModel {status, title, detail, requestId, origin} (07-orders-fbw.yaml, 10-rates.yaml).
import { randomBytes } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { FastifyReply } from 'fastify';

export const PROBLEM_JSON = 'application/problem+json';

export const newRequestId = () => randomBytes(16).toString('hex');

export interface GatewayProblem {
  title: string;
  detail: string;
  code: string;
  requestId: string;
  origin: string;
  status: number;
  statusText: string;
  timestamp: string;
}

export function gatewayProblem(status: number, detail: string, now: number): GatewayProblem {
  const statusText = STATUS_CODES[status] ?? 'Error';
  return {
    title: statusText.toLowerCase(),
    detail,
    code: `${randomBytes(6).toString('hex')}-[sandbox]`,
    requestId: newRequestId(),
    origin: 's2s-api-auth-catalog',
    status,
    statusText,
    // WB prints whole seconds: 2024-09-30T06:52:38Z.
    timestamp: `${new Date(now).toISOString().slice(0, 19)}Z`,
  };
}

export function serviceError(status: number, detail: string) {
  return { status, title: (STATUS_CODES[status] ?? 'error').toLowerCase(), detail, requestId: newRequestId(), origin: 'supply-api' };
}

export function sendGatewayProblem(reply: FastifyReply, status: number, detail: string, now: number) {
  return reply
    .code(status)
    .type(PROBLEM_JSON)
    .send(gatewayProblem(status, detail, now));
}

/** A request the service refuses as malformed; the official route turns it into a 400 ErrorModel. */
export class BadRequest extends Error {}
