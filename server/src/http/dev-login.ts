// Development login (never registered in production): real signed init data for any user, so the Mini App outside
// Telegram, tests and scripts sign in exactly as Telegram users do.
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import type { InitDataVerifier } from '../api/auth/init-data.ts';

const DevUserQuery = z.object({
  userId: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER).default(100_000_001),
  firstName: z.string().trim().min(1).max(64).default('Dev'),
  lastName: z.string().trim().max(64).optional(),
  username: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9_]{3,32}$/)
    .optional(),
  languageCode: z
    .string()
    .trim()
    .regex(/^[a-z]{2}(-[A-Za-z]{2,4})?$/)
    .default('ru'),
});

export const devLoginRoutes: FastifyPluginAsync<{ initData: InitDataVerifier }> = async (app, { initData }) => {
  app.get('/dev/init-data', async (req, reply) => {
    const query = DevUserQuery.safeParse(req.query);
    if (!query.success) {
      return reply.code(400).send({
        error: 'Bad dev login parameters',
        issues: query.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`),
      });
    }
    return reply
      .type('text/plain; charset=utf-8')
      .header('cache-control', 'no-store')
      .send(initData.sign({ ...query.data, id: query.data.userId }));
  });
};
