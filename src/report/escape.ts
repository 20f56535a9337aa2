const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text made safe for HTML element content and quoted attribute values (both quote kinds escaped). */
export function escapeHtml(text: unknown): string {
  return String(text).replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);
}

/** Text for a double-quoted attribute value: `&`, `<`, `>` and `"` escaped, single quotes kept readable. */
export function escapeAttr(text: unknown): string {
  return String(text).replace(/[&<>"]/g, (c) => HTML_ESCAPES[c]);
}

/**
 * JSON for a `<script type="application/json">` data block: `<` becomes `\u003c`, so no value can
 * close the element or open a comment, and U+2028/U+2029 are escaped for old parsers. `JSON.parse`
 * reads it back unchanged.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/**
 * A script's text made safe to inline: `</script` cannot end the element early. In JavaScript
 * strings, templates and regular expressions `<\/` means the same as `</`.
 */
export function scriptForInline(code: string): string {
  return code.replace(/<\/(script)/gi, '<\\/$1');
}
