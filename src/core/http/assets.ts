import type { FastifyInstance } from 'fastify';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createHash } from 'node:crypto';

const require = createRequire(import.meta.url);

/** One stylesheet: the Digital Agency design tokens followed by Kabuto's own CSS, built once at start. */
export async function assetRoutes(app: FastifyInstance): Promise<void> {
  const tokens = readFileSync(require.resolve('@digital-go-jp/design-tokens/dist/tokens.css'), 'utf8');
  const own = readFileSync(new URL('./assets/kabuto.css', import.meta.url), 'utf8');
  const css = `${tokens}\n${own}`;
  const etag = `"${createHash('sha256').update(css).digest('base64url').slice(0, 16)}"`;
  app.get('/assets/kabuto.css', { schema: { hide: true } }, async (req, reply) => {
    if (req.headers['if-none-match'] === etag) return reply.status(304).send();
    return reply.header('content-type', 'text/css; charset=utf-8').header('etag', etag).header('cache-control', 'public, max-age=3600').send(css);
  });
}
