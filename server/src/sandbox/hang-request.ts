// The "timeout" fault: take the request and never answer. The request is registered with the fault book, so
// clearing faults or closing the sandbox drops the connection (the client sees it end without an answer) instead of
// leaving a socket, and close(), waiting forever.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FaultBook } from './faults.ts';

export function hangRequest(faults: FaultBook, req: FastifyRequest, reply: FastifyReply): FastifyReply {
  reply.hijack();
  const unregister = faults.hang(() => req.raw.socket?.destroy());
  // The client giving up closes the connection: nothing is left to release.
  reply.raw.once('close', unregister);
  return reply;
}
