// The line structure shared by every file of a config folder: `#` starts a comment (whole
// line or trailing), blank lines are skipped, whitespace around the content is dropped.

/** One line with content: its 1-based number and its text without comment or padding. */
export interface ContentLine {
  readonly line: number;
  readonly text: string;
}

/** The lines of `text` that hold something once comments and whitespace are removed. */
export function contentLines(text: string): ContentLine[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const result: ContentLine[] = [];
  lines.forEach((raw, i) => {
    const hash = raw.indexOf('#');
    const content = (hash === -1 ? raw : raw.slice(0, hash)).trim();
    if (content !== '') result.push({ line: i + 1, text: content });
  });
  return result;
}
