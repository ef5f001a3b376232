/**
 * Resource previews: a page (/dataset/:name/resource/:rid/preview) and the JSON API
 * (GET /api/v1/catalog/resources/:id/preview). Both show what the reader may read, and nothing for a
 * dataset they may not see (404).
 */
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { Problem } from '../../core/http/schemas.js';
import type { VNode } from 'preact';
import type { AppContext } from '../../core/context.js';
import { DomainError } from '../../core/errors.js';
import { page, type PageCtx } from '../../core/http/render.js';
import { registerMessages } from '../../core/i18n/index.js';
import { callerOf, type CatalogService } from '../service.js';
import { downloadPath } from '../dictize.js';
import type { FullDataset, ResourceRow } from '../store.js';
import { previewMessages } from './messages.js';
import { previewResource, type PreviewOutcome } from './service.js';
import { PREVIEW_ROWS, type TablePreview, type TextEncoding } from './preview.js';

export { Problem };

const PreviewResponse = Type.Object({
  resource: Type.Object({ id: Type.String(), package_id: Type.String(), name: Type.Union([Type.String(), Type.Null()]), format: Type.String(), url_type: Type.Union([Type.String(), Type.Null()]) }),
  status: Type.Union([Type.Literal('ok'), Type.Literal('unavailable'), Type.Literal('failed')], { description: 'ok: a preview; unavailable: a remote URL, a format without previews, or a missing file; failed: the file could not be read' }),
  reason: Type.Optional(Type.String()),
  preview: Type.Optional(
    Type.Object({
      kind: Type.Union([Type.Literal('table'), Type.Literal('json')]),
      format: Type.Optional(Type.String()),
      encoding: Type.Optional(Type.String()),
      bom: Type.Optional(Type.Boolean()),
      sheet: Type.Optional(Type.String()),
      header: Type.Optional(Type.Array(Type.String())),
      rows: Type.Optional(Type.Array(Type.Array(Type.String()))),
      text: Type.Optional(Type.String()),
      truncated: Type.Boolean({ description: 'More of the file follows what is shown' }),
    }),
  ),
});

const ENCODING_NAMES: Record<TextEncoding, string> = { 'utf-8': 'UTF-8', shift_jis: 'Shift_JIS', 'euc-jp': 'EUC-JP', 'utf-16le': 'UTF-16LE', 'utf-16be': 'UTF-16BE' };

export async function previewRoutes(root: FastifyInstance, _ctx: AppContext, svc: CatalogService): Promise<void> {
  registerMessages('catalog.preview', previewMessages);
  const app = root.withTypeProvider<TypeBoxTypeProvider>();

  app.get(
    '/api/v1/catalog/resources/:id/preview',
    {
      schema: {
        tags: ['catalog'],
        summary: 'The first rows of an uploaded CSV, TSV or XLSX file, or its JSON pretty-printed',
        params: Type.Object({ id: Type.String({ maxLength: 100 }) }),
        querystring: Type.Object({ rows: Type.Optional(Type.Integer({ minimum: 1, maximum: PREVIEW_ROWS, description: `Data rows to show (at most ${PREVIEW_ROWS})` })) }, { additionalProperties: false }),
        response: { 200: PreviewResponse, 404: Problem },
      },
    },
    async (req) => {
      const { resource } = await svc.resourceShow(callerOf(req.user, req.id), req.params.id);
      const outcome = await previewResource(svc, resource, { rows: req.query.rows });
      return {
        resource: { id: resource.id, package_id: resource.package_id, name: resource.name, format: resource.format, url_type: resource.url_type },
        ...outcome,
      };
    },
  );

  app.get<{ Params: { name: string; rid: string } }>('/dataset/:name/resource/:rid/preview', { schema: { hide: true } }, async (req, reply) => {
    const c = callerOf(req.user, req.id);
    const r = await svc.resolve(req.params.name);
    if (!r || !svc.canRead(c, r.row)) throw new DomainError('not-found', 'Dataset not found');
    if (r.row.name !== req.params.name) return reply.redirect(`/dataset/${encodeURIComponent(r.row.name)}/resource/${encodeURIComponent(req.params.rid)}/preview`, 301);
    const f = await svc.full(r.row.id);
    const res = f?.resources.find((x) => x.id === req.params.rid);
    if (!f || !res) throw new DomainError('not-found', 'Resource not found');
    const outcome = await previewResource(svc, res);
    const name = res.name || res.url || res.id;
    if (f.row.private || f.row.state !== 'active') reply.header('cache-control', 'private, no-store');
    return page(req, reply, req.t('preview.title', { name }), (pc) => <PreviewPage ctx={pc} f={f} res={res} outcome={outcome} />);
  });
}

function PreviewTable({ ctx, p, name }: { ctx: PageCtx; p: TablePreview; name: string }): VNode {
  const { t } = ctx;
  const width = Math.max(p.header.length, ...p.rows.map((r) => r.length));
  const cols = Array.from({ length: width }, (_, i) => i);
  const caption = p.sheet ? t('preview.captionSheet', { name, sheet: p.sheet, rows: p.rows.length }) : t('preview.caption', { name, rows: p.rows.length });
  return (
    <div class="table-scroll preview-table" tabIndex={0} role="region" aria-labelledby="preview-caption">
      <table>
        <caption id="preview-caption">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{t('preview.rowNumber')}</th>
            {cols.map((i) => (
              <th scope="col">{p.header[i] || <span class="visually-hidden">{t('preview.column', { n: i + 1 })}</span>}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {p.rows.map((row, n) => (
            <tr>
              <th scope="row" class="num">
                {n + 1}
              </th>
              {cols.map((i) => (
                <td>{row[i] ?? ''}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function PreviewPage({ ctx, f, res, outcome }: { ctx: PageCtx; f: FullDataset; res: ResourceRow; outcome: PreviewOutcome }): VNode {
  const { t } = ctx;
  const name = res.name || res.url || res.id;
  const base = `/dataset/${encodeURIComponent(f.row.name)}`;
  const download = res.url_type === 'upload' ? downloadPath(f.row.id, res.id, res.url) : null;
  return (
    <>
      <p class="breadcrumb small">
        <a href="/catalog">{t('catalog.title')}</a> › <a href={base}>{f.row.title || f.row.name}</a>
      </p>
      <h1>{t('preview.title', { name })}</h1>
      {outcome.status === 'ok' && outcome.preview.kind === 'table' && (
        <>
          {outcome.preview.encoding && (
            <p class="small muted">
              {t('preview.encoding', { encoding: ENCODING_NAMES[outcome.preview.encoding] })}
              {outcome.preview.bom ? ` ${t('preview.bom')}` : ''}
            </p>
          )}
          {outcome.preview.rows.length === 0 && outcome.preview.header.length === 0 ? <p>{t('preview.empty')}</p> : <PreviewTable ctx={ctx} p={outcome.preview} name={name} />}
          <p>{outcome.preview.truncated ? t('preview.truncated') : t('preview.complete')}</p>
        </>
      )}
      {outcome.status === 'ok' && outcome.preview.kind === 'json' && (
        <>
          <pre class="preview-json" tabIndex={0} aria-label={t('preview.json')}>
            <code>{outcome.preview.text}</code>
          </pre>
          <p>{outcome.preview.truncated ? t('preview.truncated') : t('preview.complete')}</p>
        </>
      )}
      {outcome.status === 'unavailable' && (
        <p class="notice">
          {outcome.reason === 'remote' ? t('preview.unavailable.remote') : outcome.reason === 'format' ? t('preview.unavailable.format', { format: res.format || '—' }) : t('preview.unavailable.missing')}
        </p>
      )}
      {outcome.status === 'failed' && <p class="notice">{t('preview.failed', { reason: outcome.reason })}</p>}
      <ul class="inline-list">
        {download && (
          <li>
            <a href={download}>{t('preview.download')}</a>
          </li>
        )}
        {!download && /^https?:\/\//.test(res.url) && (
          <li>
            <a href={res.url} rel="noopener">
              {t('catalog.dataset.open', { name })}
            </a>
          </li>
        )}
        <li>
          <a href={base}>{t('preview.back')}</a>
        </li>
      </ul>
    </>
  );
}
