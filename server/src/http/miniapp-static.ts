// The built Mini App at `/`, with client-side routes falling back to index.html.
import { existsSync } from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync } from 'fastify';

export const miniappStatic: FastifyPluginAsync<{ root: string; production?: boolean }> = async (app, { root, production = false }) => {
  if (!existsSync(path.join(root, 'index.html'))) {
    app.log.warn({ event: 'miniapp.not_built', root }, 'the Mini App is not built; run `pnpm build` (pnpm start does it for you)');
    return;
  }
  await app.register(fastifyStatic, {
    root,
    wildcard: false,
    // Source maps stay out of production even if a build left them behind: they publish the Mini App's source.
    allowedPath: (pathName: string) => !(production && pathName.endsWith('.map')),
    // Hashed assets never change; index.html must always be fresh so a deploy reaches users at once.
    setHeaders(res, filePath) {
      res.header('cache-control', filePath.includes(`${path.sep}assets${path.sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });
  app.setNotFoundHandler((req, reply) => {
    const isPage =
      req.method === 'GET' &&
      !/^\/(trpc|dev|healthz|readyz|metrics|telegram)(\/|$)/.test(req.url) &&
      !path.extname(req.url.split('?')[0] ?? '');
    if (isPage) return reply.header('cache-control', 'no-cache').sendFile('index.html');
    return reply.code(404).send({ error: 'Not found' });
  });
};
