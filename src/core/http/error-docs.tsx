import type { FastifyInstance } from 'fastify';
import { ERROR_CODES, type ErrorCode } from '../errors.js';
import { page } from './render.js';

/** `/docs/errors`: what each problem `type` (/docs/errors#code) points at, in the reader's language. */
export async function errorDocsRoutes(app: FastifyInstance): Promise<void> {
  app.get('/docs/errors', { schema: { hide: true } }, async (req, reply) =>
    page(req, reply, req.t('errdoc.title'), ({ t }) => (
      <>
        <h1>{t('errdoc.title')}</h1>
        <p class="lead">{t('errdoc.lead')}</p>
        <div class="table-scroll">
          <table>
            <caption>{t('errdoc.caption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('errdoc.code')}</th>
                <th scope="col" class="num">
                  {t('errdoc.status')}
                </th>
                <th scope="col">{t('errdoc.meaning')}</th>
              </tr>
            </thead>
            <tbody>
              {(Object.keys(ERROR_CODES) as ErrorCode[]).map((code) => (
                <tr id={code}>
                  <th scope="row">
                    <code>{code}</code>
                  </th>
                  <td class="num">{ERROR_CODES[code].status}</td>
                  <td>{t(`errdoc.${code}`)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </>
    )),
  );
}
