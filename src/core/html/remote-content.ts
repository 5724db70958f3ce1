/**
 * The HTML of a mail with nothing left that the browser would fetch by itself when it shows it: remote
 * images, styles, frames, objects, background images, CSS url()s and @imports other than data:. The
 * reader's frame is sandboxed and its CSP refuses all of these too; removing them first means no request
 * is ever attempted (Chromium may start fetching an image before it has applied a policy), so no tracker
 * learns that the letter was opened, nor from where. The stored original is left as received.
 *
 * A tag-by-tag rewrite, not a sanitizer: the sandbox and the CSP stay the guard for everything else.
 */
const DROPPED_BLOCK = /<(script|iframe|object|applet)\b[^>]*>[\s\S]*?<\/\1\s*>/gi;
const DROPPED_TAG = /<\/?(?:base|link|meta|script|iframe|frame|frameset|object|embed|applet|portal)\b(?:"[^"]*"|'[^']*'|[^'">])*>/gi;
const TAG = /<([a-zA-Z][\w:-]*)((?:"[^"]*"|'[^']*'|[^'">])*)>/g;
const ATTRIBUTE = /([^\s"'<>/=]+)(\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?/g;
/** Attributes whose value the browser fetches by itself (or on a click, for ping). */
const FETCHED = new Set(['src', 'srcset', 'lowsrc', 'dynsrc', 'background', 'poster', 'data', 'ping', 'action', 'formaction', 'xlink:href']);
/** Values that never leave the machine. */
const LOCAL = /^\s*(?:data:|cid:|#|$)/i;
const CSS_URL = /url\(\s*(?!['"]?\s*data:)(?:"[^"]*"|'[^']*'|[^)]*)\)/gi;
const CSS_IMPORT = /@import\b[^;]*;?/gi;

function cleanCss(css: string): string {
  return css.replace(CSS_IMPORT, '').replace(CSS_URL, 'none');
}

function cleanAttributes(tag: string, attrs: string): string {
  const name = tag.toLowerCase();
  return attrs.replace(ATTRIBUTE, (whole, attr: string, _eq, dq?: string, sq?: string, bare?: string) => {
    const a = attr.toLowerCase();
    const value = dq ?? sq ?? bare ?? '';
    // href is followed only on a click (and the frame may not navigate), except on SVG's image and use.
    const fetched = FETCHED.has(a) || (a === 'href' && name !== 'a' && name !== 'area');
    if (fetched && !LOCAL.test(value)) return '';
    if (a === 'style') return `style="${cleanCss(value).replace(/"/g, '&quot;')}"`;
    return whole;
  });
}

export function withoutRemoteContent(html: string): string {
  return html
    .replace(DROPPED_BLOCK, '')
    .replace(DROPPED_TAG, '')
    .replace(/(<style\b[^>]*>)([\s\S]*?)(<\/style\s*>)/gi, (_m, open: string, css: string, close: string) => open + cleanCss(css) + close)
    .replace(TAG, (_m, tag: string, attrs: string) => `<${tag}${cleanAttributes(tag, attrs)}>`);
}
