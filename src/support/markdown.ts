/**
 * Guide bodies: a safe subset of Markdown (paragraphs, headings, lists, emphasis, links, quotes,
 * code) rendered by markdown-it with raw HTML turned off, so any tag typed into a guide is shown as
 * text. Images are off (no third-party requests from a guide), links are http(s), mailto or
 * relative, and headings start one level below the page's own h1.
 */
import MarkdownIt from 'markdown-it';

const md = new MarkdownIt('commonmark', { html: false, linkify: false, typographer: false });
md.disable(['image', 'html_block', 'html_inline']);

const SAFE_LINK = /^(https?:|mailto:|\/|#|\.\.?\/)/i;
const defaultValidate = md.validateLink.bind(md);
md.validateLink = (url: string) => defaultValidate(url) && (SAFE_LINK.test(url.trim()) || !/^[a-z][a-z0-9+.-]*:/i.test(url.trim()));

md.renderer.rules.heading_open = (tokens, idx) => `<h${Math.min(6, Number(tokens[idx]!.tag.slice(1)) + 1)}>`;
md.renderer.rules.heading_close = (tokens, idx) => `</h${Math.min(6, Number(tokens[idx]!.tag.slice(1)) + 1)}>\n`;
md.renderer.rules.link_open = (tokens, idx, options, _env, self) => {
  const token = tokens[idx]!;
  const href = String(token.attrGet('href') ?? '');
  if (/^https?:/i.test(href)) token.attrSet('rel', 'noopener noreferrer');
  return self.renderToken(tokens, idx, options);
};

/** HTML of a guide body; everything the author typed is escaped except the Markdown above. */
export function renderMarkdown(source: string): string {
  return md.render(source);
}
